/**
 * Shared harness of the value differential tests (where, orderBy, cursor):
 * a seeded random generator of Prisma inputs drawn from the rows actually in
 * the database, and a runner of the compiled SQL through the same Prisma
 * client's `$queryRawUnsafe`, as the read engine runs its statements.
 */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { DmmfField, DmmfModel } from '../../src/base/datamodel.ts';
import { delegateName, idFields, relationFields, scalarFields } from '../../src/base/datamodel.ts';
import { table } from '../../src/reads/sql/columns.ts';
import { createSqlContext, quote, type SqlContext } from '../../src/reads/sql/sql-context.ts';
import type { Provider } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

export const schemaPath = (name: string) => path.resolve(import.meta.dirname, `../fixtures/schemas/${name}.prisma`);

/** Random cases per schema and provider (bounded: each is two statements). */
export const CASES = Number(process.env.STRATA_FUZZ_CASES ?? 300);
// A fixed seed under CI (a run is reproducible); a new one on every local run (it explores).
export const fuzzSeed = Number(process.env.STRATA_FUZZ_SEED ?? (process.env.CI ? 20_261_204 : Math.floor(Math.random() * 2 ** 31)));

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Random = ReturnType<typeof createRandom>;

export type Row = Record<string, unknown>;

/** Every row of every model, as Prisma returns them (the pool random values are drawn from). */
export async function loadRows(t: TestApp): Promise<Map<string, Row[]>> {
  const rows = new Map<string, Row[]>();
  for (const model of t.app.datamodel.models) rows.set(model.name, await (t.prisma as any)[delegateName(model.name)].findMany());
  return rows;
}

/** Runs `SELECT <primary key> FROM model WHERE ... ORDER BY ... LIMIT/OFFSET` built by `build`; returns the keys in order. */
export async function runCompiled(
  t: TestApp,
  model: DmmfModel,
  build: (ctx: SqlContext, alias: string) => { where?: (string | null)[]; orderBy?: string[]; take?: number; skip?: number },
): Promise<string[]> {
  const ctx = createSqlContext(t.app.datamodel, t.provider);
  const alias = ctx.alias();
  const parts = build(ctx, alias);
  const ids = idFields(model).map((name) => model.fields.find((f) => f.name === name)!);
  const where = (parts.where ?? []).filter((w): w is string => !!w);
  let sql = `SELECT ${ids.map((f, i) => `${quote(alias)}.${quote((f as { dbName?: string }).dbName ?? f.name)} AS k${i}`).join(', ')} FROM ${table(model)} AS ${quote(alias)}`;
  if (where.length) sql += ` WHERE ${where.join(' AND ')}`;
  if (parts.orderBy?.length) sql += ` ORDER BY ${parts.orderBy.join(', ')}`;
  if (parts.take !== undefined) sql += ` LIMIT ${ctx.params.add(parts.take)}`;
  else if (parts.skip) sql += t.provider === 'sqlite' ? ' LIMIT -1' : '';
  if (parts.skip) sql += ` OFFSET ${ctx.params.add(parts.skip)}`;
  const { text, values } = positional(t.provider, sql, ctx.params.values);
  lastStatement.sql = text;
  lastStatement.params = values;
  try {
    const rows = (await (t.prisma as any).$queryRawUnsafe(text, ...values)) as Row[];
    return rows.map((row) => keyOf(ids.map((_, i) => row[`k${i}`])));
  } catch (error) {
    throw new Error(`${(error as Error).message}\nSQL: ${text}\nparams: ${show(values)}`);
  }
}

/** The statement `runCompiled` ran last (for failure messages). */
export const lastStatement: { sql: string; params: unknown[] } = { sql: '', params: [] };

/** SQLite's `?N` as plain `?` in order (better-sqlite3 binds numbered ones only from an object; Prisma passes an array). */
function positional(provider: string, sql: string, values: unknown[]): { text: string; values: unknown[] } {
  if (provider !== 'sqlite') return { text: sql, values };
  const ordered: unknown[] = [];
  const text = sql.replace(/\?(\d+)/g, (_m, n: string) => (ordered.push(values[Number(n) - 1]), '?'));
  return { text, values: ordered };
}

/** A row's primary key as one comparable string. */
export const keyOf = (values: unknown[]) => values.map((v) => (v instanceof Date ? v.toISOString() : String(v))).join('|');
export const idsOf = (model: DmmfModel, rows: Row[]) => rows.map((row) => keyOf(idFields(model).map((f) => row[f])));

/** JSON for failure messages (BigInt, bytes, dates readable). */
export function show(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `bytes:${Buffer.from(v).toString('hex')}` : v));
}

/** The values a field holds across the seeded rows (NULL included), plus a few that match nothing. */
export function valuesOf(rows: Row[], field: DmmfField): unknown[] {
  const seen = rows.map((r) => r[field.name]);
  return seen.length ? seen : [null];
}

const orderable = (f: DmmfField) => !f.isList && f.type !== 'Json' && f.type !== 'Bytes';

/**
 * A random `orderBy` list (scalars with or without `nulls`, to-one relation
 * columns, to-many `_count`), ending with the primary key so that the order
 * is total and both paths agree on ties.
 */
export function randomOrderBy(r: Random, models: (name: string) => DmmfModel, model: DmmfModel, depth = 1): Row[] {
  const items: Row[] = [];
  for (let n = r.int(3); n > 0; n--) items.push(randomOrderItem(r, models, model, depth));
  return [...items, ...idFields(model).map((f) => ({ [f]: r.pick(['asc', 'desc']) }))];
}

function randomOrderItem(r: Random, models: (name: string) => DmmfModel, model: DmmfModel, depth: number): Row {
  const relations = relationFields(model);
  if (depth > 0 && relations.length && r.chance(0.3)) {
    const field = r.pick(relations);
    if (field.isList) return { [field.name]: { _count: r.pick(['asc', 'desc']) } };
    return { [field.name]: randomOrderItem(r, models, models(field.type), depth - 1) };
  }
  const field = r.pick(scalarFields(model).filter(orderable));
  const sort = r.pick(['asc', 'desc']);
  return { [field.name]: !field.isRequired && r.chance(0.5) ? { sort, nulls: r.pick(['first', 'last']) } : sort };
}

/** An orderBy in the opposite direction, NULLs placement included. */
export function flip(orderBy: Row[]): Row[] {
  const turn = (value: unknown): unknown => {
    if (value === 'asc') return 'desc';
    if (value === 'desc') return 'asc';
    const v = value as Row;
    if ('_count' in v) return { _count: turn(v._count) };
    if ('sort' in v) return { ...v, sort: turn(v.sort), ...(v.nulls ? { nulls: v.nulls === 'first' ? 'last' : 'first' } : {}) };
    return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, turn(inner)]));
  };
  return orderBy.map((item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, turn(v)])));
}

/**
 * A fixture app seeded for a differential test, opened before its tests and
 * closed after: its rows, the random generators' world, and Prisma's own
 * answer to a findMany as key lists.
 */
export function useSeededFixture(provider: Provider, fixture: { schema: string; seed: (t: TestApp) => Promise<void> }) {
  let t: TestApp;
  let rows: Map<string, Row[]>;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath: schemaPath(fixture.schema), env: { STRATA_REST: 'false' } });
    await fixture.seed(t);
    rows = await loadRows(t);
  });
  afterAll(() => t?.close());
  const model = (name: string) => t.app.datamodel.model(name);
  return {
    get t() {
      return t;
    },
    rows: (name: string) => rows.get(name) ?? [],
    models: model,
    world: () => ({ provider, model, rows: (name: string) => rows.get(name) ?? [], Prisma: t.app.db.Prisma }),
    prismaIds: async (m: DmmfModel, args: Row) =>
      idsOf(m, await (t.prisma as any)[delegateName(m.name)].findMany({ ...args, select: Object.fromEntries(idFields(m).map((f) => [f, true])) })),
  };
}
