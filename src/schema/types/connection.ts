import { getRefFromModel, queryFromInfo } from '@pothos/plugin-prisma';
import { flipOrderBy } from '../flip-order-by.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../base/context.ts';
import { badInput } from '../../base/errors.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import type { DmmfModel } from '../../base/datamodel.ts';
import { delegateName, idFields, idWhere } from '../../base/datamodel.ts';
import type { Generator } from '../generator.ts';
import { pageSize } from '../generator.ts';
import { names } from '../../base/naming.ts';
import { omitUnselected, type Query } from '../omit-unselected.ts';
import type { Where } from '../../permissions/policy.ts';
import { isCursorVisible } from '../secure/visible-cursor.ts';

interface ConnectionResult {
  edges: { cursor: string; node: unknown }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  count: () => Promise<number>;
}

/** Defines the shared `PageInfo` type once. */
export function definePageInfo(gen: Generator): void {
  gen.refs.set(
    names.pageInfo,
    gen.builder.objectRef(names.pageInfo).implement({
      fields: (t: any) => ({
        hasNextPage: t.exposeBoolean('hasNextPage'),
        hasPreviousPage: t.exposeBoolean('hasPreviousPage'),
        startCursor: t.exposeString('startCursor', { nullable: true }),
        endCursor: t.exposeString('endCursor', { nullable: true }),
      }),
    }),
  );
}

/** Defines `PostConnection` and `PostEdge`; `totalCount` runs a count only when asked for. */
export function defineConnectionType(gen: Generator, model: DmmfModel): void {
  const edge = gen.builder.objectRef(names.edgeType(model.name)).implement({
    fields: (t: any) => ({
      cursor: t.exposeString('cursor'),
      // The model's ref, not its name: a model named like a root type (`Query`) has another GraphQL name.
      node: t.field({ type: getRefFromModel(model.name, gen.builder), resolve: (e: { node: unknown }) => e.node }),
    }),
  });
  gen.refs.set(
    names.connectionType(model.name),
    gen.builder.objectRef(names.connectionType(model.name)).implement({
      fields: (t: any) => ({
        edges: t.field({ type: [edge], resolve: (c: ConnectionResult) => c.edges }),
        pageInfo: t.field({ type: gen.refs.get(names.pageInfo), resolve: (c: ConnectionResult) => c.pageInfo }),
        totalCount: t.int({ resolve: (c: ConnectionResult) => c.count() }),
      }),
    }),
  );
}


interface ConnectionArgs {
  where?: unknown;
  /** The viewer's row rule alone (also inside `where`): a cursor at a row outside it is a cursor at a missing row. */
  read: Where;
  orderBy?: unknown[];
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/**
 * Relay cursor pagination over Prisma's cursor API. The primary key is
 * appended to the order so pages are stable; `last`/`before` read the
 * reversed order and flip the page back. A cursor names a row by its
 * primary key: when that row is deleted or hidden, the page is empty,
 * `hasPreviousPage` (after) or `hasNextPage` (before) stays true.
 */
export async function resolveConnection(
  gen: Generator,
  model: DmmfModel,
  args: ConnectionArgs,
  ctx: Context,
  info: GraphQLResolveInfo,
): Promise<ConnectionResult> {
  if (args.first != null && args.last != null) throw badInput('Pass either first or last, not both');
  // Prisma takes one cursor: a cursor of the other direction would be silently ignored.
  const forward = args.first != null || args.after != null;
  if ((forward && args.before != null) || (args.after != null && args.last != null)) {
    throw badInput('Page forward with first/after or backward with last/before, not both');
  }
  const backward = args.last != null || (args.before != null && args.first == null);
  const size = pageSize(gen.limits, backward ? 'last' : 'first', backward ? args.last : args.first);
  const cursor = backward ? args.before : args.after;
  const ids = idFields(model);
  const order = [...(args.orderBy ?? []), ...ids.map((f) => ({ [f]: 'asc' }))];
  const delegate = ctx.prisma[delegateName(model.name)];
  const loaded = queryFromInfo({ context: ctx, info, typeName: names.objectType(model.name), path: ['edges', 'node'] }) as Query;
  const query = omitUnselected(gen.datamodel, model, loaded, info, ['edges', 'node'], [names.connectionType(model.name), names.edgeType(model.name)]);
  const at = cursor ? idWhere(model, decodeCursor(cursor)) : undefined;
  // A cursor at a row that is gone, or hidden from the viewer, gives an empty
  // page (Prisma's answer for a missing cursor row): both look the same.
  const rows: Record<string, unknown>[] =
    at && !(await isCursorVisible(ctx, model, args.read, at))
      ? []
      : await delegate.findMany({
          ...query,
          where: args.where,
          orderBy: backward ? flipOrderBy(order) : order,
          take: size + 1,
          ...(at ? { cursor: at, skip: 1 } : {}),
        });
  const hasMore = rows.length > size;
  const page = rows.slice(0, size);
  if (backward) page.reverse();
  const edges = page.map((node) => ({ cursor: encodeCursor(Object.fromEntries(ids.map((f) => [f, node[f]]))), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? args.before != null : hasMore,
      hasPreviousPage: backward ? hasMore : args.after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    count: () => delegate.count({ where: args.where }),
  };
}
