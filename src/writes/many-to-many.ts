import { and, type Where } from '../permissions/policy.ts';
import { idWhere } from '../base/datamodel.ts';
import type { RelationShape } from './relation-shape.ts';
import type { RowOps } from './row-ops.ts';
import { findVisibleRows, pickMatching, requireAllMatch } from './visible-rows.ts';
import { type WriteSession } from './write-session.ts';
import { keyWhere, plainUnique } from '../base/datamodel.ts';

type Row = Record<string, unknown>;
type Data = Record<string, any>;

/**
 * Turns implicit many-to-many operations into Prisma relation data on this
 * row. A link belongs to both rows, so linking or unlinking a row of the
 * other side is an update of that row too: it must be visible (NOT_FOUND
 * otherwise) and pass its model's update rule (FORBIDDEN), checked for all
 * the rows of one relation at once. `set` replaces the links the viewer can
 * see; links to rows hidden from the viewer stay.
 */
export async function manyToManyData(s: WriteSession, shape: RelationShape, ops: Data, parent: Row | undefined, rowOps: RowOps): Promise<Data> {
  const { target } = shape;
  const read = s.policy(target).read(s.ctx);
  const linked: Where | undefined = parent && { [shape.back.name]: { some: keyWhere(s.datamodel.model(shape.back.type), parent) } };
  const unique = (where: Where) => plainUnique(target, where);

  const linking = await findVisibleRows(s, target, [...(ops.connect ?? []), ...(ops.set ?? [])].map(unique));
  const unlinking = await findVisibleRows(s, target, (ops.disconnect ?? []).map(unique));
  if (ops.set && linked) {
    const current: Row[] = read ? await s.delegate(target).findMany({ where: and(linked, read), select: s.scalarSelect(target) }) : [];
    unlinking.push(...current.filter((row) => !pickMatching(linking, keyWhere(target, row))));
  }
  const pairs: [Where, Data][] = (ops.connectOrCreate ?? []).map(({ where, create }: Data) => [unique(where), create]);
  const candidates: Row[] = pairs.length && read ? await s.delegate(target).findMany({ where: and({ OR: pairs.map(([w]) => w) }, read), select: s.scalarSelect(target) }) : [];
  const existing = pairs.map(([where]) => pickMatching(candidates, where));
  linking.push(...existing.filter((row): row is Row => !!row));
  await requireAllMatch(s, target, [...linking, ...unlinking], s.policy(target).update(s.ctx), 'update');

  const connect: Where[] = linking.map((row) => idWhere(target, row));
  for (const [i, [, create]] of pairs.entries()) if (!existing[i]) connect.push(idWhere(target, await rowOps.createRow(s, target, create)));
  for (const data of ops.create ?? []) connect.push(idWhere(target, await rowOps.createRow(s, target, data)));
  if (linked) {
    for (const { where, data } of ops.update ?? []) await rowOps.updateRow(s, target, and(unique(where), linked), data);
    for (const { where, data } of ops.updateMany ?? []) await rowOps.updateManyRows(s, target, and(where, linked), data);
    for (const where of ops.delete ?? []) await rowOps.deleteRow(s, target, and(unique(where), linked));
    for (const where of ops.deleteMany ?? []) await rowOps.deleteManyRows(s, target, and(where, linked));
    for (const { where, create, update } of ops.upsert ?? []) {
      const found = await s.delegate(target).findFirst({ where: and(unique(where), linked), select: s.scalarSelect(target) });
      if (found) await rowOps.updateRow(s, target, keyWhere(target, found), update);
      else connect.push(idWhere(target, await rowOps.createRow(s, target, create)));
    }
  }
  const out: Data = {};
  if (connect.length) out.connect = connect;
  if (unlinking.length) out.disconnect = unlinking.map((row) => idWhere(target, row));
  return out;
}
