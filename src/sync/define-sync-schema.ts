import type { Context } from '../base/context.ts';
import type { SchemaExtension } from '../schema/schema-extension.ts';
import { badInput } from '../base/errors.ts';
import type { Generator } from '../schema/generator.ts';
import type { Sync } from './create-sync.ts';
import { parseCheckpoint, pull } from './pull.ts';
import { push, type PushRow } from './push.ts';
import { stream } from './stream.ts';

/** The sync operations of a model: `pullNote`, `pushNote`, `streamNote`. */
export const syncNames = (model: string) => ({ pull: `pull${model}`, push: `push${model}`, stream: `stream${model}` });

/**
 * Adds, for every `/// @sync` model, `Query.pull<Model>`,
 * `Mutation.push<Model>` and `Subscription.stream<Model>`, shaped as RxDB's
 * GraphQL replication expects (see docs/offline.md).
 */
/** The sync fields (`pull<Model>`, `push<Model>`, `stream<Model>`) as a schema extension. */
export function syncExtension(sync: Sync): SchemaExtension {
  return { name: 'sync', define: (gen) => defineSyncSchema(gen, sync) };
}

function defineSyncSchema(gen: Generator, sync: Sync): void {
  const { builder } = gen;
  const pullResult = builder.objectRef('SyncPullResult').implement({
    description: 'Changed rows after a checkpoint: documents (`_deleted: true` for rows gone from your view) and the checkpoint to pull from next.',
    fields: (t: any) => ({
      documents: t.field({ type: ['JSON'], resolve: (p: any) => p.documents }),
      checkpoint: t.field({ type: 'JSON', nullable: true, resolve: (p: any) => p.checkpoint }),
    }),
  });
  const streamBatch = builder.objectRef('SyncStreamBatch').implement({
    description: 'Rows changed since the last message; `resync: true` asks the client to pull from its own checkpoint (RxDB `RESYNC`).',
    fields: (t: any) => ({
      documents: t.field({ type: ['JSON'], resolve: (p: any) => p.documents }),
      checkpoint: t.field({ type: 'JSON', nullable: true, resolve: (p: any) => p.checkpoint }),
      resync: t.exposeBoolean('resync'),
    }),
  });
  const pushRow = builder.inputType('SyncPushRow', {
    fields: (t: any) => ({
      assumedMasterState: t.field({ type: 'JSON', description: 'The row as the client last received it; null for a row it created.' }),
      newDocumentState: t.field({ type: 'JSON', required: true }),
    }),
  });
  const refusal = builder.objectRef('SyncPushRefusal').implement({
    description: 'A pushed row the server refused (not a conflict): nothing was written for it.',
    fields: (t: any) => ({ id: t.exposeString('id'), code: t.exposeString('code'), message: t.exposeString('message') }),
  });
  const pushResult = builder.objectRef('SyncPushResult').implement({
    fields: (t: any) => ({
      conflicts: t.field({ type: ['JSON'], description: 'Master states of the rows in conflict (RxDB resolves them and pushes again).', resolve: (p: any) => p.conflicts }),
      refusals: t.field({ type: [refusal], resolve: (p: any) => p.refusals }),
    }),
  });
  for (const model of sync.models) {
    const name = syncNames(model.name);
    const readable = (ctx: Context) => gen.policy(model.name).read(ctx) !== null;
    builder.queryField(name.pull, (t: any) =>
      t.field({
        type: pullResult,
        description: `${model.name} rows changed after \`checkpoint\` (all rows when null), at most \`limit\`.`,
        extensions: { access: 'public' },
        args: { checkpoint: t.arg({ type: 'JSON' }), limit: t.arg.int({ required: true }) },
        resolve: (_: unknown, args: { checkpoint?: unknown; limit: number }, ctx: Context) => {
          if (args.limit < 1 || args.limit > gen.limits.maxTake) throw badInput(`limit must be between 1 and ${gen.limits.maxTake}`, { argument: 'limit' });
          return pull(gen, sync, ctx, model, parseCheckpoint(args.checkpoint), args.limit);
        },
      }),
    );
    builder.mutationField(name.push, (t: any) =>
      t.field({
        type: pushResult,
        description: `Writes ${model.name} rows changed offline; each row on its own, conflicts resolved by the model's rule.`,
        extensions: { access: 'public' },
        args: { rows: t.arg({ type: [pushRow], required: true }) },
        resolve: (_: unknown, args: { rows: PushRow[] }, ctx: Context) => push(gen, sync, ctx, model, args.rows),
      }),
    );
    builder.subscriptionField(name.stream, (t: any) =>
      t.field({
        type: streamBatch,
        description: `${model.name} rows changed, after each commit; starts with a resync.`,
        extensions: { access: readable },
        subscribe: (_: unknown, _args: unknown, ctx: Context) => stream(gen, sync, ctx, model),
        resolve: (payload: unknown) => payload,
      }),
    );
  }
}
