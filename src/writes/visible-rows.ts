import { AppError } from '../base/errors.ts';
import { and, type Where } from '../permissions/policy.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import { idFields } from '../base/datamodel.ts';
import { rowsWhere } from './guarded-rows.ts';
import { lockRows } from './lock-rows.ts';
import { type WriteSession } from './write-session.ts';
import { keyWhere } from '../base/datamodel.ts';

type Row = Record<string, unknown>;

/** A value in a form equal for equal column values, whatever JS type carries it (Date, BigInt, Decimal, bytes). */
function comparable(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof Uint8Array) return `b${Buffer.from(value).toString('base64')}`;
  if (typeof value === 'number' || typeof value === 'bigint') return `n${value}`;
  if (typeof value === 'object') return `n${Number(String(value))}`; // Decimal
  return `s${String(value)}`;
}

/** Whether `row` holds exactly the plain column values of `where`. */
function matches(row: Row, where: Where): boolean {
  return Object.entries(where).every(([field, value]) => comparable(row[field]) === comparable(value));
}

/** The first of `rows` holding the plain column values of `where`, if any. */
export function pickMatching(rows: Row[], where: Where): Row | undefined {
  return rows.find((row) => matches(row, where));
}

/**
 * The rows named by `wheres` (plain unique keys, possibly joined with a
 * relation condition), one per key and in their order, among the rows the
 * viewer may read: one statement for all of them. Any key that names no
 * visible row fails the whole write with NOT_FOUND, as a missing row would.
 */
export async function findVisibleRows(s: WriteSession, model: DmmfModel, uniques: Where[], also: Where = {}): Promise<Row[]> {
  if (uniques.length === 0) return [];
  const read = s.policy(model).read(s.ctx);
  const found: Row[] = read ? await s.delegate(model).findMany({ where: and({ OR: uniques }, also, read), select: s.scalarSelect(model) }) : [];
  return uniques.map((unique) => {
    const row = pickMatching(found, unique);
    if (!row) throw new AppError('NOT_FOUND', `${model.name} not found`);
    return row;
  });
}

/**
 * Throws FORBIDDEN (UNAUTHENTICATED when anonymous) unless every row is
 * still readable and matches `allowed`: one statement for all of them, none
 * when the rules allow every row. In a PostgreSQL transaction the rows are
 * locked first, so the rules still hold when the write that follows runs.
 */
export async function requireAllMatch(s: WriteSession, model: DmmfModel, rows: Row[], allowed: Where | null, operation: string): Promise<void> {
  const read = s.policy(model).read(s.ctx);
  if (allowed === null || read === null) throw s.denied(model, operation);
  if (rows.length === 0) return;
  await lockRows(s, model, rows.map((row) => keyWhere(model, row)));
  allowed = and(read, allowed);
  if (Object.keys(allowed).length === 0) return;
  const ids = idFields(model);
  const passing: Row[] = await s.delegate(model).findMany({ where: and(rowsWhere(model, rows), allowed), select: Object.fromEntries(ids.map((f) => [f, true])) });
  if (!rows.every((row) => passing.some((p) => matches(p, keyWhere(model, row))))) throw s.denied(model, operation);
}
