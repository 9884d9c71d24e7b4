import { and, type Where } from '../../permissions/policy.ts';
import { idWhere } from '../dmmf.ts';
import { findGuarded } from './guarded-rows.ts';
import type { RelationShape } from './relation-shape.ts';
import { pointAt, pointNowhere } from './relation-shape.ts';
import { columnsOnly, createRow, deleteManyRows, deleteRow, updateManyRows, updateRow } from './row-writes.ts';
import { keyWhere, plainUnique, type WriteSession } from './write-session.ts';

type Row = Record<string, unknown>;
type Data = Record<string, any>;

const many = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Points an existing target row at `parent` (or at nothing), as an update the viewer must be allowed. */
async function relink(s: WriteSession, shape: RelationShape, where: Where, fks: Data): Promise<void> {
  const { target } = shape;
  const row = await findGuarded(s, target, where, s.policy(target).update(s.ctx), 'update');
  const data = columnsOnly(s, target, (await s.before(target, 'update', fks, row)) ?? fks);
  const updated = await s.delegate(target).update({ where: idWhere(target, row), data, select: s.scalarSelect(target) });
  s.record(target, 'UPDATED', updated, row);
}

/**
 * Nested operations on the side whose rows hold the foreign key (`User.posts`,
 * `User.profile`), applied after `parent` exists. Every child goes through
 * the same row writes, so rules, events and hooks apply to each of them.
 */
export async function applyChildren(s: WriteSession, shape: RelationShape, parent: Row, ops: Data): Promise<void> {
  const { target } = shape;
  const link = pointAt(shape.from, shape.to, parent);
  const single = !shape.field.isList;

  for (const data of many(ops.create)) await createRow(s, target, data, link);
  for (const unique of many(ops.connect)) await relink(s, shape, plainUnique(target, unique), link);
  for (const { where, create } of many<Data>(ops.connectOrCreate)) {
    const read = s.policy(target).read(s.ctx);
    const found = read && (await s.delegate(target).findFirst({ where: and(plainUnique(target, where), read), select: s.scalarSelect(target) }));
    if (found) await relink(s, shape, keyWhere(target, found), link);
    else await createRow(s, target, create, link);
  }
  if (ops.set) {
    const keep: Row[] = [];
    for (const unique of ops.set) keep.push(await s.findVisible(target, plainUnique(target, unique)));
    const current: Row[] = await s.delegate(target).findMany({ where: link, select: s.scalarSelect(target) });
    const kept = new Set(keep.map((row) => JSON.stringify(keyWhere(target, row))));
    for (const row of current) {
      if (!kept.has(JSON.stringify(keyWhere(target, row)))) await relink(s, shape, keyWhere(target, row), pointNowhere(shape.from));
    }
    for (const row of keep) await relink(s, shape, keyWhere(target, row), link);
  }
  if (single && ops.disconnect === true) await relink(s, shape, link, pointNowhere(shape.from));
  else for (const unique of single ? [] : many(ops.disconnect)) await relink(s, shape, and(plainUnique(target, unique), link), pointNowhere(shape.from));

  if (single && ops.delete === true) await deleteRow(s, target, link);
  else for (const unique of single ? [] : many(ops.delete)) await deleteRow(s, target, and(plainUnique(target, unique), link));

  if (single && ops.update) await updateRow(s, target, link, ops.update);
  else for (const { where, data } of single ? [] : many<Data>(ops.update)) await updateRow(s, target, and(plainUnique(target, where), link), data);

  for (const { where, create, update } of many<Data>(ops.upsert)) {
    const match = single ? link : and(plainUnique(target, where), link);
    const exists = await s.delegate(target).findFirst({ where: match, select: s.scalarSelect(target) });
    if (exists) await updateRow(s, target, match, update);
    else await createRow(s, target, create, link);
  }
  for (const { where, data } of many<Data>(ops.updateMany)) await updateManyRows(s, target, and(where, link), data);
  for (const where of many<Where>(ops.deleteMany)) await deleteManyRows(s, target, and(where, link));
}
