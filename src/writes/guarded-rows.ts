import { AppError } from '../base/errors.ts';
import { and, type Where } from '../permissions/policy.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import { idFields } from '../base/datamodel.ts';
import { lockRows, plainKey } from './lock-rows.ts';
import { preconditionFailed, requirePrecondition } from './precondition.ts';
import { type WriteSession } from './write-session.ts';
import { keyWhere } from '../base/datamodel.ts';

type Row = Record<string, unknown>;

/** Primary-key order: the rows of a batch write (and their hooks) come in a stable order. */
const keyOrder = (model: DmmfModel) => idFields(model).map((f) => ({ [f]: 'asc' }));

/** The where matching exactly these rows by primary key. */
export function rowsWhere(model: DmmfModel, rows: Row[]): Where {
  return { OR: rows.map((row) => keyWhere(model, row)) };
}

/**
 * The one row matching `where` that the viewer may read (else NOT_FOUND)
 * and `operation` (`allowed`, else FORBIDDEN). In a PostgreSQL transaction
 * the row is locked first and read under the lock, so every guard still
 * holds when the write that follows runs; a unique where naming the key is
 * locked without a read before.
 */
export async function findGuarded(s: WriteSession, model: DmmfModel, where: Where, allowed: Where | null, operation: string): Promise<Row> {
  let match = where;
  if (s.locks) {
    const key = plainKey(model, where);
    const locked = key ?? keyWhere(model, await s.findVisible(model, where));
    await lockRows(s, model, [locked]);
    if (!key) match = and(locked, where);
  }
  const existing = await s.findVisible(model, match);
  await s.requireMatch(model, existing, allowed, operation);
  return existing;
}

/**
 * Every row matching `guard` (the client's where and the rules), in key
 * order. In a PostgreSQL transaction they are locked, then read again with
 * `guard`: a row another writer changed meanwhile is kept only if it still
 * matches.
 */
export async function findGuardedMany(s: WriteSession, model: DmmfModel, guard: Where): Promise<Row[]> {
  const read = (where: Where): Promise<Row[]> => s.delegate(model).findMany({ where, select: s.scalarSelect(model), orderBy: keyOrder(model) });
  const rows = await read(guard);
  if (!s.locks || rows.length === 0) return rows;
  await lockRows(s, model, rows.map((row) => keyWhere(model, row)));
  return read(and(rowsWhere(model, rows), guard));
}

/**
 * The condition a write outside a transaction carries (see `needsTransaction`):
 * the row as read, still matching the client's where and the rules when the
 * statement runs (`UPDATE ... WHERE ... RETURNING`, one statement as before:
 * a single-row update without hooks stays at read, rule read, write, where
 * taking the transaction to lock would add the lock and COMMIT). Inside a
 * transaction the lock (PostgreSQL) or the single writer (SQLite) already
 * guarantees it.
 */
export function writeGuard(s: WriteSession, model: DmmfModel, existing: Row, where: Where, allowed: Where | null): Where {
  return and(keyWhere(model, existing), where, s.policy(model).read(s.ctx), allowed);
}

/**
 * A guarded write matched nothing: another writer changed the row since it
 * was read. Answers as a fresh attempt would (NOT_FOUND, FORBIDDEN, or
 * CONFLICT with the row as it is now when the client's precondition no
 * longer holds — or held again only after a change and its undoing).
 */
export async function lostRace(s: WriteSession, model: DmmfModel, where: Where, allowed: Where | null, operation: string, precondition?: Where): Promise<never> {
  const current = await findGuarded(s, model, where, allowed, operation);
  await requirePrecondition(s, model, current, precondition);
  if (precondition) throw await preconditionFailed(s, model, current);
  throw new AppError('NOT_FOUND', `${model.name} not found`);
}
