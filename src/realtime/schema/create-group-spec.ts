import type { PrismaLike } from '../../base/context.ts';
import { type Where, and } from '../../permissions/policy.ts';
import { type DmmfModel, delegateName, idFields } from '../../base/datamodel.ts';
import type { GroupSpec } from '../group-spec.ts';
import { encodeValue } from '../../base/json.ts';
import { matchRow } from '../../permissions/match-row.ts';
import { createRemovedNode } from './removed-node.ts';

type Row = Record<string, unknown>;

/** A `where` selecting rows by primary key: `id in [...]`, or an OR of compound keys. */
function keysWhere(ids: string[], keys: Row[]): Where {
  if (ids.length === 1) return { [ids[0]]: { in: keys.map((k) => k[ids[0]]) } };
  return { OR: keys.map((k) => Object.fromEntries(ids.map((f) => [f, k[f]]))) };
}

/**
 * The spec of a group of subscriptions to `model` with the same effective
 * `where` (the client's filter joined with the viewer's row filter) and the
 * same Prisma query (the selection under `node`).
 */
export function createGroupSpec(model: DmmfModel, provider: string, prisma: PrismaLike, where: Where, query: Record<string, unknown>): GroupSpec {
  const ids = idFields(model);
  const delegate = prisma[delegateName(model.name)];
  // In select mode the key columns may not be selected: add them, rows are matched to events by key.
  const select = query.select ? { ...(query.select as object), ...Object.fromEntries(ids.map((f) => [f, true])) } : undefined;
  const loadQuery = select ? { ...query, select } : query;
  const fields = new Map(model.fields.map((f) => [f.name, f]));
  return {
    key: `${encodeValue(where)}|${encodeValue(query)}`,
    model: model.name,
    keyOf: (row) => encodeValue(ids.map((f) => row[f])),
    load: (keys) => delegate.findMany({ ...loadQuery, where: and(keysWhere(ids, keys), where) }),
    matchInMemory: (row) => matchRow(where, row, fields, provider),
    removedNode: createRemovedNode(model, prisma, query),
  };
}
