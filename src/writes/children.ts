import { AppError } from '../base/errors.ts';
import { jsonKey } from '../base/json.ts';
import { and, type Where } from '../permissions/policy.ts';
import type { RelationShape } from './relation-shape.ts';
import { pointAt, pointNowhere } from './relation-shape.ts';
import type { RowOps } from './row-ops.ts';
import { columnsOnly } from './write-data.ts';
import { rowsWhere } from './guarded-rows.ts';
import { findVisibleRows, pickMatching, requireAllMatch } from './visible-rows.ts';
import { type WriteSession } from './write-session.ts';
import { keyWhere, plainUnique } from '../base/datamodel.ts';

type Row = Record<string, unknown>;
type Data = Record<string, any>;

const many = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Points existing target rows at a parent (or at nothing). That writes their
 * foreign key, so it is an update of each row: the viewer must pass the
 * target's update rule on every row and may set the key column (field rules,
 * presets). Checked for all rows at once, and written in one statement
 * per distinct data (before-hooks run for each row and may change its data).
 */
async function relink(s: WriteSession, shape: RelationShape, rows: Row[], fks: Data): Promise<void> {
  if (rows.length === 0) return;
  const { target } = shape;
  const policy = s.policy(target);
  await requireAllMatch(s, target, rows, policy.update(s.ctx), 'update');
  const preset = policy.preset(s.ctx, 'create');
  for (const column of shape.from) {
    if (column in preset || !policy.writeField(s.ctx, column)) throw new AppError('FORBIDDEN', `Not allowed to set ${target.name}.${column}`, { field: column });
  }
  // Before-hooks may change each row's data (in memory); rows left with the same data are written together.
  const groups = new Map<string, { data: Data; rows: Row[] }>();
  for (const row of rows) {
    const data = s.gen.hooks.hasBefore(target.name, 'update') ? columnsOnly(s, target, (await s.before(target, 'update', fks, row)) ?? fks) : fks;
    const key = jsonKey(data);
    const group = groups.get(key) ?? groups.set(key, { data, rows: [] }).get(key)!;
    group.rows.push(row);
  }
  for (const { data, rows: group } of groups.values()) {
    const updated: Row[] = await s.delegate(target).updateManyAndReturn({ where: rowsWhere(target, group), data, select: s.scalarSelect(target) });
    for (const row of updated) s.record(target, 'UPDATED', row, pickMatching(group, keyWhere(target, row)));
  }
}

/**
 * Nested operations on the side whose rows hold the foreign key (`User.posts`,
 * `User.profile`), applied after `parent` exists. Every child goes through
 * the same row writes, so rules, events and hooks apply to each of them;
 * connects, disconnects and `set` cost one statement per relation for all
 * their rows. `set` replaces the rows the viewer can see: hidden rows stay linked.
 * `rowOps`: the row writes to recurse into (row-writes.ts's own).
 */
export async function applyChildren(s: WriteSession, shape: RelationShape, parent: Row, ops: Data, rowOps: RowOps): Promise<void> {
  const { target } = shape;
  const link = pointAt(shape.from, shape.to, parent);
  const single = !shape.field.isList;
  const unique = (where: Where) => plainUnique(target, where);
  const read = s.policy(target).read(s.ctx);

  await rowOps.createRows(s, target, many(ops.create), link);
  await relink(s, shape, await findVisibleRows(s, target, many<Where>(ops.connect).map(unique)), link);
  const pairs: [Where, Data][] = many<Data>(ops.connectOrCreate).map(({ where, create }) => [unique(where), create]);
  const candidates: Row[] = pairs.length && read ? await s.delegate(target).findMany({ where: and({ OR: pairs.map(([w]) => w) }, read), select: s.scalarSelect(target) }) : [];
  const found = pairs.map(([where]) => pickMatching(candidates, where));
  await relink(s, shape, found.filter((row): row is Row => !!row), link);
  for (const [i, [, create]] of pairs.entries()) if (!found[i]) await rowOps.createRow(s, target, create, link);
  if (ops.set) {
    const keep = await findVisibleRows(s, target, many<Where>(ops.set).map(unique));
    const current: Row[] = read ? await s.delegate(target).findMany({ where: and(link, read), select: s.scalarSelect(target) }) : [];
    await relink(s, shape, current.filter((row) => !pickMatching(keep, keyWhere(target, row))), pointNowhere(shape.from));
    await relink(s, shape, keep, link);
  }
  const disconnect = single ? (ops.disconnect === true ? [link] : []) : many<Where>(ops.disconnect).map(unique);
  await relink(s, shape, await findVisibleRows(s, target, disconnect, link), pointNowhere(shape.from));

  if (single && ops.delete === true) await rowOps.deleteRow(s, target, link);
  else for (const where of single ? [] : many<Where>(ops.delete)) await rowOps.deleteRow(s, target, and(unique(where), link));

  if (single && ops.update) await rowOps.updateRow(s, target, link, ops.update);
  else for (const { where, data } of single ? [] : many<Data>(ops.update)) await rowOps.updateRow(s, target, and(unique(where), link), data);

  for (const { where, create, update } of many<Data>(ops.upsert)) {
    const match = single ? link : and(unique(where), link);
    const exists = await s.delegate(target).findFirst({ where: match, select: s.scalarSelect(target) });
    if (exists) await rowOps.updateRow(s, target, match, update);
    else await rowOps.createRow(s, target, create, link);
  }
  for (const { where, data } of many<Data>(ops.updateMany)) await rowOps.updateManyRows(s, target, and(where, link), data);
  for (const where of many<Where>(ops.deleteMany)) await rowOps.deleteManyRows(s, target, and(where, link));
}
