import type { DmmfField, DmmfModel } from '../base/datamodel.ts';
import { idFields } from '../base/datamodel.ts';
import type { WriteSession } from './write-session.ts';

type Row = Record<string, unknown>;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const column = (f: DmmfField) => quote((f as { dbName?: string | null }).dbName ?? f.name);
const table = (model: DmmfModel) => quote((model as { dbName?: string | null }).dbName ?? model.name);
const isPlain = (value: unknown) => value === null || typeof value !== 'object' || value instanceof Date;

function fieldOf(model: DmmfModel, name: string): DmmfField {
  const f = model.fields.find((candidate) => candidate.name === name);
  if (!f || f.kind === 'object') throw new Error(`${model.name}.${name} is not a column`);
  return f;
}

/**
 * Locks rows of `model` until the transaction ends (PostgreSQL
 * `SELECT ... FOR UPDATE`), matched by plain column values (`keys`, one
 * object per row, all with the same columns), in primary-key order so
 * writers locking overlapping rows queue instead of deadlocking. A writer
 * that waited re-reads the rows afterwards and sees the winner's commit.
 * Does nothing outside a PostgreSQL transaction: SQLite runs one writing
 * transaction at a time.
 */
export async function lockRows(s: WriteSession, model: DmmfModel, keys: Row[]): Promise<void> {
  if (!s.locks) return;
  // Statements take at most 65,535 parameters; callers pass keys in key order, so chunks keep the lock order.
  for (let i = 0; i < keys.length; i += LOCK_CHUNK) await lockChunk(s, model, keys.slice(i, i + LOCK_CHUNK));
}

/** Keys locked per statement. */
const LOCK_CHUNK = 5_000;

async function lockChunk(s: WriteSession, model: DmmfModel, keys: Row[]): Promise<void> {
  const fields = Object.keys(keys[0]).map((name) => fieldOf(model, name));
  const values: unknown[] = [];
  const tuples = keys.map((key) => {
    const cells = fields.map((f) => {
      if (!isPlain(key[f.name])) throw new Error(`lock(${model.name}) takes plain column values`);
      values.push(key[f.name]);
      return `$${values.length}`;
    });
    return `(${cells.join(', ')})`;
  });
  const columns = fields.map(column).join(', ');
  const order = idFields(model).map((name) => column(fieldOf(model, name))).join(', ');
  await s.tx.$queryRawUnsafe(`SELECT 1 FROM ${table(model)} WHERE (${columns}) IN (${tuples.join(', ')}) ORDER BY ${order} FOR UPDATE`, ...values);
}

/** The primary key of `where` when it names every key column with a plain value (then it can be locked before any read). */
export function plainKey(model: DmmfModel, where: Row): Row | undefined {
  const ids = idFields(model);
  if (!ids.every((f) => f in where && where[f] !== null && isPlain(where[f]))) return undefined;
  return Object.fromEntries(ids.map((f) => [f, where[f]]));
}
