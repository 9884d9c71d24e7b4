import { AppError } from '../base/errors.ts';
import { jsonKey } from '../base/json.ts';
import { and, type Where } from '../permissions/policy.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import { idFields, idWhere } from '../base/datamodel.ts';
import { readCascade } from './cascade.ts';
import { applyChildren } from './children.ts';
import { requireTargets } from './foreign-keys.ts';
import { findGuarded, findGuardedMany, lostRace, rowsWhere, writeGuard } from './guarded-rows.ts';
import { manyToManyData } from './many-to-many.ts';
import { type RelationShape, pointAt, pointNowhere } from './relation-shape.ts';
import type { RowOps } from './row-ops.ts';
import { requirePrecondition } from './precondition.ts';
import { columnsOnly, guardFields, ownerFields, pick, split } from './write-data.ts';
import { assertRequired } from './required-fields.ts';
import { assertAtomicInRange } from './check-atomic-range.ts';
import { type WriteSession } from './write-session.ts';
import { keyWhere, plainUnique } from '../base/datamodel.ts';

type Row = Record<string, unknown>;
type Data = Record<string, any>;


/** This file's row writes, for the nested writes it calls (children, many-to-many) to recurse into. */
const rowOps: RowOps = { createRow, createRows, updateRow, deleteRow, updateManyRows, deleteManyRows };

/** Resolves a nested to-one operation on the owning side to foreign-key values. */
async function resolveOwning(s: WriteSession, shape: RelationShape, ops: Data, current: Row | undefined): Promise<{ fks: Data; after?: () => Promise<void> }> {
  const { target } = shape;
  if (ops.create) return { fks: pointAt(shape.from, shape.to, await createRow(s, target, ops.create)) };
  if (ops.connect) return { fks: pointAt(shape.from, shape.to, await s.findVisible(target, plainUnique(target, ops.connect))) };
  if (ops.connectOrCreate) {
    const { where, create } = ops.connectOrCreate;
    const read = s.policy(target).read(s.ctx);
    const found = read && (await s.delegate(target).findFirst({ where: and(plainUnique(target, where), read), select: s.scalarSelect(target) }));
    return { fks: pointAt(shape.from, shape.to, found ?? (await createRow(s, target, create))) };
  }
  const linked = current && shape.from.every((f) => current[f] != null) ? pointAt(shape.to, shape.from, current) : undefined;
  if (ops.update) {
    if (!linked) throw new AppError('NOT_FOUND', `${target.name} not found`);
    await updateRow(s, target, linked, ops.update);
    return { fks: {} };
  }
  if (ops.upsert) {
    if (linked) {
      await updateRow(s, target, linked, ops.upsert.update);
      return { fks: {} };
    }
    return { fks: pointAt(shape.from, shape.to, await createRow(s, target, ops.upsert.create)) };
  }
  if (ops.disconnect) return { fks: pointNowhere(shape.from) };
  if (ops.delete) {
    if (!linked) throw new AppError('NOT_FOUND', `${target.name} not found`);
    return { fks: pointNowhere(shape.from), after: async () => void (await deleteRow(s, target, linked)) };
  }
  return { fks: {} };
}

/**
 * Creates one row and everything nested in it, checking rules for each row.
 * `forced` columns (a parent's foreign key) bypass field rules.
 */
export async function createRow(s: WriteSession, model: DmmfModel, data: Data, forced: Data = {}): Promise<Row> {
  return (await insertRow(s, model, data, forced, false))!;
}

/**
 * Creates rows as {@link createRow} creates each: every row passes the same
 * checks and is recorded. On PostgreSQL, rows holding column values only (no
 * nested writes) of a model without before-create hooks are inserted in one
 * statement (`INSERT ... RETURNING` gives them back in the order of its
 * VALUES): each row's checks before the insert run first, then the insert,
 * then each row's create rule `where`. Where two rows are refused for
 * different reasons, the refusal reported may then be another row's.
 */
export async function createRows(s: WriteSession, model: DmmfModel, rows: Data[], forced: Data = {}): Promise<Row[]> {
  // What prepareInsert splits (no hooks: the data, the parent's key and the presets) must hold no relation: a batch writes columns only.
  const preset = s.policy(model).preset(s.ctx, 'create');
  const plain = (data: Data) => split(s, model, { ...data, ...forced, ...preset }).relations.length === 0;
  const batch = rows.length > 1 && s.datamodel.provider === 'postgresql' && !s.gen.hooks.hasBefore(model.name, 'create') && rows.every(plain);
  if (!batch) {
    const created: Row[] = [];
    for (const data of rows) created.push(await createRow(s, model, data, forced));
    return created;
  }
  const prepared: Data[] = [];
  for (const data of rows) prepared.push((await prepareInsert(s, model, data, forced, false)).values);
  const created: Row[] = await s.delegate(model).createManyAndReturn({ data: prepared, select: s.scalarSelect(model) });
  if (created.length !== rows.length) throw new Error(`Inserted ${created.length} ${model.name} rows of ${rows.length}`);
  for (const row of created) s.record(model, 'CREATED', row);
  const check = s.policy(model).create(s.ctx);
  for (const row of created) await s.requireMatch(model, row, check, 'create');
  return created;
}

/**
 * One row's checks before it is inserted, in order: the create rule, field
 * rules and presets, foreign-key targets (unless `targetsChecked`), the
 * before-hooks, nested to-one and many-to-many writes. Returns the column
 * values to insert, the nested many-to-many data and the split input.
 */
async function prepareInsert(s: WriteSession, model: DmmfModel, data: Data, forced: Data, targetsChecked: boolean) {
  const policy = s.policy(model);
  const check = policy.create(s.ctx);
  if (check === null) throw s.denied(model, 'create');
  const preset = policy.preset(s.ctx, 'create');
  guardFields(s, model, split(s, model, data), preset);
  if (!targetsChecked) await requireTargets(s, model, [data]);
  const input = (await s.before(model, 'create', { ...data, ...forced, ...preset })) ?? {};
  const parts = split(s, model, input);
  const values: Data = { ...parts.scalars };
  const relationData: Data = {};
  for (const [shape, ops] of parts.relations) {
    if (shape.kind === 'owning') Object.assign(values, (await resolveOwning(s, shape, ops, undefined)).fks);
    if (shape.kind === 'manyToMany') {
      const m2m = await manyToManyData(s, shape, ops, undefined, rowOps);
      if (Object.keys(m2m).length) relationData[shape.field.name] = m2m;
    }
  }
  Object.assign(values, pick(input, { ...forced, ...preset }));
  assertRequired(model, values);
  return { values, relationData, parts, check };
}

/**
 * {@link createRow}, optionally skipping a row that would violate a unique
 * constraint (PostgreSQL `ON CONFLICT DO NOTHING`): then returns undefined.
 * `targetsChecked`: the caller checked the foreign keys in `data` already
 * (a createMany checks all its rows at once).
 */
export async function insertRow(s: WriteSession, model: DmmfModel, data: Data, forced: Data, skipDuplicates: boolean, targetsChecked = false): Promise<Row | undefined> {
  const { values, relationData, parts, check } = await prepareInsert(s, model, data, forced, targetsChecked);
  const row: Row | undefined = skipDuplicates
    ? (await s.delegate(model).createManyAndReturn({ data: [values], skipDuplicates, select: s.scalarSelect(model) }))[0]
    : await s.delegate(model).create({ data: { ...values, ...relationData }, select: s.scalarSelect(model) });
  if (!row) return undefined;
  s.record(model, 'CREATED', row);
  for (const [shape, ops] of parts.relations) if (shape.kind === 'children') await applyChildren(s, shape, row, ops, rowOps);
  await s.requireMatch(model, row, check, 'create');
  return row;
}

/**
 * Updates the one visible, updatable row matching `where`, and everything
 * nested in the update. The guards hold when the row is written: in a
 * transaction the row is locked (PostgreSQL) before it is read and checked;
 * without one the UPDATE itself carries them (see `writeGuard`).
 * `precondition` (the client's `if`) must hold on that row too, else
 * CONFLICT and nothing is written.
 */
export async function updateRow(s: WriteSession, model: DmmfModel, where: Where, data: Data, precondition?: Where): Promise<Row> {
  const policy = s.policy(model);
  const allowed = policy.update(s.ctx);
  const existing = await findGuarded(s, model, where, allowed, 'update');
  await requirePrecondition(s, model, existing, precondition);
  const preset = policy.preset(s.ctx, 'update');
  guardFields(s, model, split(s, model, data), preset, ownerFields(s, model));
  await requireTargets(s, model, [data], existing);
  const input = (await s.before(model, 'update', { ...data, ...preset }, existing)) ?? {};
  const parts = split(s, model, input);
  const values: Data = { ...parts.scalars };
  const relationData: Data = {};
  const afterwards: (() => Promise<void>)[] = [];
  for (const [shape, ops] of parts.relations) {
    if (shape.kind === 'owning') {
      const { fks, after } = await resolveOwning(s, shape, ops, existing);
      Object.assign(values, fks);
      if (after) afterwards.push(after);
    }
    if (shape.kind === 'manyToMany') {
      const m2m = await manyToManyData(s, shape, ops, existing, rowOps);
      if (Object.keys(m2m).length) relationData[shape.field.name] = m2m;
    }
  }
  Object.assign(values, pick(input, preset));
  assertAtomicInRange(model, [existing], values);
  let row = existing;
  if (Object.keys(relationData).length || (s.atomic && Object.keys(values).length)) {
    row = await s.delegate(model).update({ where: idWhere(model, existing), data: { ...values, ...relationData }, select: s.scalarSelect(model) });
  } else if (Object.keys(values).length) {
    const written: Row[] = await s.delegate(model).updateManyAndReturn({ where: and(writeGuard(s, model, existing, where, allowed), precondition), data: values, select: s.scalarSelect(model) });
    row = written[0] ?? (await lostRace(s, model, where, allowed, 'update', precondition));
  }
  if (row !== existing) s.record(model, 'UPDATED', row, existing);
  for (const [shape, ops] of parts.relations) if (shape.kind === 'children') await applyChildren(s, shape, row, ops, rowOps);
  await s.requireMatch(model, row, policy.updateCheck(s.ctx), 'update');
  for (const after of afterwards) await after();
  return row;
}

/** Deletes the one visible, deletable row matching `where` (and `precondition`, else CONFLICT); returns it as it was. Guarded like {@link updateRow}. */
export async function deleteRow(s: WriteSession, model: DmmfModel, where: Where, precondition?: Where): Promise<Row> {
  const allowed = s.policy(model).delete(s.ctx);
  const existing = await findGuarded(s, model, where, allowed, 'delete');
  await requirePrecondition(s, model, existing, precondition);
  await s.before(model, 'delete', undefined, existing);
  const recordCascade = await readCascade(s, model, [existing]);
  if (s.atomic) {
    await s.delegate(model).delete({ where: idWhere(model, existing), select: s.scalarSelect(model) });
  } else {
    const { count } = await s.delegate(model).deleteMany({ where: and(writeGuard(s, model, existing, where, allowed), precondition) });
    if (count === 0) await lostRace(s, model, where, allowed, 'delete', precondition);
  }
  s.record(model, 'DELETED', existing);
  recordCascade();
  return existing;
}

/**
 * Updates every visible, updatable row matching `where`: one statement for
 * the rows, one to read them back. In a PostgreSQL transaction the rows are
 * locked and checked again under the lock (see `findGuardedMany`).
 */
export async function updateManyRows(s: WriteSession, model: DmmfModel, where: Where, data: Data): Promise<number> {
  const policy = s.policy(model);
  const read = policy.read(s.ctx);
  const allowed = policy.update(s.ctx);
  if (read === null || allowed === null) throw s.denied(model, 'update');
  const preset = policy.preset(s.ctx, 'update');
  const parts = split(s, model, data);
  guardFields(s, model, parts, preset, ownerFields(s, model));
  await requireTargets(s, model, [parts.scalars]);
  const before = await findGuardedMany(s, model, and(where, read, allowed));
  if (before.length === 0) return 0;
  if (s.gen.hooks.hasBefore(model.name, 'update')) {
    // Each row's hooks may change its own data: one statement per row.
    for (const row of before) {
      const data = columnsOnly(s, model, (await s.before(model, 'update', { ...parts.scalars, ...preset }, row)) ?? {});
      assertAtomicInRange(model, [row], data);
      await s.delegate(model).update({ where: idWhere(model, row), data, select: { [idFields(model)[0]]: true } });
    }
  } else {
    assertAtomicInRange(model, before, { ...parts.scalars, ...preset });
    await s.delegate(model).updateMany({ where: rowsWhere(model, before), data: { ...parts.scalars, ...preset } });
  }
  const after: Row[] = await s.delegate(model).findMany({ where: rowsWhere(model, before), select: s.scalarSelect(model) });
  const previous = new Map(before.map((row) => [jsonKey(keyWhere(model, row)), row]));
  for (const row of after) s.record(model, 'UPDATED', row, previous.get(jsonKey(keyWhere(model, row))));
  const check = policy.updateCheck(s.ctx);
  if (Object.keys(check).length) {
    const passing = await s.delegate(model).count({ where: and(rowsWhere(model, after), check) });
    if (passing !== after.length) throw s.denied(model, 'update');
  }
  return after.length;
}

/** Deletes every visible, deletable row matching `where`, locked and checked again like {@link updateManyRows}. */
export async function deleteManyRows(s: WriteSession, model: DmmfModel, where: Where): Promise<number> {
  const policy = s.policy(model);
  const read = policy.read(s.ctx);
  const allowed = policy.delete(s.ctx);
  if (read === null || allowed === null) throw s.denied(model, 'delete');
  const rows = await findGuardedMany(s, model, and(where, read, allowed));
  if (rows.length === 0) return 0;
  for (const row of rows) await s.before(model, 'delete', undefined, row);
  const recordCascade = await readCascade(s, model, rows);
  await s.delegate(model).deleteMany({ where: rowsWhere(model, rows) });
  for (const row of rows) s.record(model, 'DELETED', row);
  recordCascade();
  return rows.length;
}
