import { and, type Where } from '../../permissions/policy.ts';
import { idWhere } from '../dmmf.ts';
import type { RelationShape } from './relation-shape.ts';
import { createRow, deleteManyRows, deleteRow, updateManyRows, updateRow } from './row-writes.ts';
import { keyWhere, plainUnique, type WriteSession } from './write-session.ts';

type Row = Record<string, unknown>;
type Data = Record<string, any>;

/** Turns implicit many-to-many operations into Prisma relation data on this row. */
export async function manyToManyData(s: WriteSession, shape: RelationShape, ops: Data, parent: Row | undefined): Promise<Data> {
  const { target } = shape;
  const connect: Where[] = [];
  for (const unique of ops.connect ?? []) connect.push(idWhere(target, await s.findVisible(target, plainUnique(target, unique))));
  for (const data of ops.create ?? []) connect.push(idWhere(target, await createRow(s, target, data)));
  for (const { where, create } of ops.connectOrCreate ?? []) {
    const read = s.policy(target).read(s.ctx);
    const found = read && (await s.delegate(target).findFirst({ where: and(plainUnique(target, where), read), select: s.scalarSelect(target) }));
    connect.push(idWhere(target, found ?? (await createRow(s, target, create))));
  }
  const out: Data = {};
  if (ops.set) {
    out.set = [];
    for (const unique of ops.set) out.set.push(idWhere(target, await s.findVisible(target, plainUnique(target, unique))));
    out.set.push(...connect);
  } else if (connect.length) out.connect = connect;
  if (ops.disconnect?.length) {
    out.disconnect = [];
    for (const unique of ops.disconnect) out.disconnect.push(idWhere(target, await s.findVisible(target, plainUnique(target, unique))));
  }
  if (parent) {
    const linked = { [shape.back.name]: { some: keyWhere(s.datamodel.model(shape.back.type), parent) } };
    for (const { where, data } of ops.update ?? []) await updateRow(s, target, and(plainUnique(target, where), linked), data);
    for (const { where, data } of ops.updateMany ?? []) await updateManyRows(s, target, and(where, linked), data);
    for (const unique of ops.delete ?? []) await deleteRow(s, target, and(plainUnique(target, unique), linked));
    for (const where of ops.deleteMany ?? []) await deleteManyRows(s, target, and(where, linked));
    for (const { where, create, update } of ops.upsert ?? []) {
      const found = await s.delegate(target).findFirst({ where: and(plainUnique(target, where), linked), select: s.scalarSelect(target) });
      if (found) await updateRow(s, target, keyWhere(target, found), update);
      else connect.push(idWhere(target, await createRow(s, target, create)));
    }
    if (!out.set && connect.length) out.connect = connect;
  }
  return Object.keys(out).length ? out : {};
}
