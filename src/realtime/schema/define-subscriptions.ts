import { getRefFromModel, queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { and, type Where } from '../../permissions/policy.ts';
import type { DmmfModel } from '../../base/datamodel.ts';
import type { Generator } from '../../schema/generator.ts';
import type { SchemaExtension } from '../../schema/schema-extension.ts';
import { names } from '../../base/naming.ts';
import { assertStorableValues } from '../../base/check-input-values.ts';
import { secureWhere } from '../../schema/secure/secure-args.ts';
import type { ChangeKind } from '../../base/change-event.ts';
import { decodeCursor } from '../change-cursor.ts';
import { type Realtime, realtimeOf } from '../create-realtime.ts';
import { transportOf } from '../transport-hooks.ts';
import { createGroupSpec } from './create-group-spec.ts';

interface ChangedArgs {
  where?: Record<string, unknown> | null;
  kinds?: ChangeKind[] | null;
  after?: string | null;
}

/**
 * The rows of `model` a subscriber may see: the policy's read rule (what
 * queries apply), so a subscription never sees more than a query would,
 * joined with the realtime service's extra filter when a test set one. Null: none.
 */
function rowFilter(gen: Generator, ctx: Context, model: DmmfModel): Where | null {
  const extra = (ctx.changes as Partial<Realtime>)?.readFilter;
  const filter = extra ? extra(ctx, model.name) : {};
  const rule = gen.policy(model.name).read(ctx);
  return filter === null || rule === null ? null : and(filter, rule);
}

function subscribeToModel(gen: Generator, model: DmmfModel, args: ChangedArgs, ctx: Context, info: GraphQLResolveInfo) {
  assertStorableValues(args as Record<string, unknown>);
  const realtime = realtimeOf(ctx);
  const filter = rowFilter(gen, ctx, model);
  if (filter === null) {
    if (ctx.viewer.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', `Sign in to subscribe to ${model.name}`);
    throw new AppError('FORBIDDEN', `Not allowed to read ${model.name}`);
  }
  const clientWhere = secureWhere(gen, ctx, model, gen.registry.toPrisma(args.where ?? undefined, gen.filters.where(model)));
  const where = and(clientWhere, filter);
  const query = queryFromInfo({ context: ctx, info, typeName: names.objectType(model.name), path: ['node'] }) as Record<string, unknown>;
  const spec = createGroupSpec(model, gen.datamodel.provider, ctx.prisma, where, query);
  return realtime.feed.subscribe(spec, {
    kinds: args.kinds?.length ? args.kinds : null,
    after: args.after ? decodeCursor(args.after) : undefined,
    onOverflow: transportOf(ctx)?.onOverflow,
  });
}

/**
 * `Subscription.<model>Changed(where, kinds, after): <Model>Change!` for every
 * model (DESIGN.md section 3), plus `ChangeKind` and the change types.
 * Semantics (leaving, DELETED, replay) are in docs/realtime.md.
 */
export function defineSubscriptions(gen: Generator): void {
  const { builder, registry, filters } = gen;
  const kind = builder.enumType(names.changeKind, {
    description: 'What happened to a row.',
    values: ['CREATED', 'UPDATED', 'DELETED'],
  });
  builder.subscriptionType({});
  for (const model of gen.datamodel.models) {
    const change = builder.objectRef(names.changeType(model.name)).implement({
      description: `A committed change to a ${model.name} the subscriber may see.`,
      fields: (t: any) => ({
        kind: t.field({ type: kind, resolve: (p: { kind: ChangeKind }) => p.kind }),
        node: t.field({
          type: getRefFromModel(model.name, builder),
          description: 'The row as the subscriber may see it now; for `leaving` changes, as it was last sent (or last visible).',
          resolve: (p: { node: unknown }) => p.node,
        }),
        leaving: t.exposeBoolean('leaving', {
          description: 'True when the row leaves the subscriber\'s view (it no longer matches `where` or the permissions, or it was deleted): remove it. Sent once per row.',
        }),
        cursor: t.exposeString('cursor', { description: 'Pass as `after` when resubscribing to receive the changes missed in between.' }),
      }),
    });
    builder.subscriptionFields((t: any) => ({
      [names.changed(model.name)]: t.field({
        type: change,
        description: `Committed changes to ${model.name} rows matching \`where\` that the subscriber may see.`,
        extensions: { access: (ctx: Context) => rowFilter(gen, ctx, model) !== null },
        args: {
          where: t.arg({ type: registry.ref(filters.where(model)) }),
          kinds: t.arg({ type: [kind], description: 'Only these kinds (all when omitted).' }),
          after: t.arg.string({ description: 'A `cursor` from an earlier change: replay what happened since, then continue live.' }),
        },
        subscribe: (_root: unknown, args: ChangedArgs, ctx: Context, info: GraphQLResolveInfo) => subscribeToModel(gen, model, args, ctx, info),
        resolve: (payload: unknown) => payload,
      }),
    }));
  }
}

/** Realtime's part of the API: the `<model>Changed` subscriptions (see {@link defineSubscriptions}). */
export const subscriptionsExtension: SchemaExtension = { name: 'realtime', define: defineSubscriptions };
