import type { DmmfModel } from '../base/datamodel.ts';
import { idFields } from '../base/datamodel.ts';
import type { Where } from '../permissions/policy.ts';
import { column, scalarField } from './sql/columns.ts';
import { compileWhere } from './sql/compile-where.ts';
import { quote, type SqlContext } from './sql/sql-context.ts';
import { unsupported } from './unsupported.ts';

const FIRST = quote('__strata_first');
const STARTED = quote('__strata_started');

/**
 * The rows of `from` passing `where` (the rows aliased `alias`) that come
 * first of their `distinct` tuple in `order`, and with a cursor only those
 * from the cursor row on (Prisma's `findIndex` over the distinct rows), as a
 * `FROM ... WHERE ...` source whose rows are aliased `alias` again. Without a
 * cursor the window runs over the primary key alone and the rows are read
 * back by it: sorting whole rows made SQLite's window about 1.5x slower.
 */
export function distinctRows(sql: SqlContext, model: DmmfModel, alias: string, from: string, where: string[], order: string, distinct: string[], cursor?: Where): string {
  const a = quote(alias);
  const tuple = distinct.map((name) => column(alias, scalarField(model, name))).join(', ');
  const filter = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const rank = `row_number() OVER (PARTITION BY ${tuple} ORDER BY ${order}) AS ${FIRST}`;
  if (!cursor) {
    const ids = idFields(model).map((name) => column(alias, scalarField(model, name)));
    const keys = ids.map((_, i) => quote(`__strata_k${i}`));
    const ranked = `SELECT ${ids.map((id, i) => `${id} AS ${keys[i]}`).join(', ')}, ${rank} FROM ${from}${filter}`;
    const firsts = `SELECT ${keys.join(', ')} FROM (${ranked}) AS ${quote(`${alias}_d`)} WHERE ${FIRST} = 1`;
    return `${from} WHERE ${[...where, `(${ids.join(', ')}) IN (${firsts})`].join(' AND ')}`;
  }
  const firsts = `(SELECT ${a}.*, ${rank} FROM ${from}${filter}) AS ${a} WHERE ${a}.${FIRST} = 1`;
  const atCursor = compileWhere(sql, model, alias, cursor) ?? '1=0';
  const started = `SELECT ${a}.*, max(CASE WHEN ${atCursor} THEN 1 ELSE 0 END) OVER (ORDER BY ${order} ROWS UNBOUNDED PRECEDING) AS ${STARTED} FROM ${firsts}`;
  return `(${started}) AS ${a} WHERE ${a}.${STARTED} = 1`;
}

/**
 * How Prisma 7 runs a `distinct` on PostgreSQL when it writes `SELECT
 * DISTINCT ON` instead of dropping the repeated rows in memory: when there is
 * no cursor and the orderBy's leading plain fields of the model that are
 * distinct fields number exactly min(distinct fields, orderBy keys) (its
 * `native_distinct_compatible_with_order_by`; without an orderBy, the
 * primary key it orders a page by). PostgreSQL refuses the statement when a
 * distinct field is missing before another ORDER BY key (`[a, a, id]` for
 * distinct `[a, b]`): the general path answers an error, so this declines.
 * Where PostgreSQL accepts it, DISTINCT ON keeps the same rows as the
 * in-memory step, but sorts by the distinct fields the orderBy leaves out
 * (ascending, after its keys): those are returned, for the lane to sort by too.
 */
export function nativeDistinctKeys(sql: SqlContext, model: DmmfModel, orderBy: unknown, distinct: string[], cursor: unknown): string[] {
  if (sql.dialect !== 'postgresql' || cursor) return [];
  const keys: (string | null)[] = [];
  for (const item of (Array.isArray(orderBy) ? orderBy : orderBy ? [orderBy] : []) as Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(item)) {
      if (value === undefined) continue;
      const field = model.fields.find((f) => f.name === key);
      keys.push(field && field.kind !== 'object' ? key : null);
    }
  }
  if (keys.length === 0) keys.push(...idFields(model));
  const wanted = new Set(distinct);
  let leading = 0;
  while (leading < keys.length && keys[leading] !== null && wanted.has(keys[leading]!)) leading++;
  if (leading !== Math.min(wanted.size, keys.length)) return [];
  // PostgreSQL's check (transformDistinctOnClause), over the ORDER BY keys without repeats.
  const sorted = [...new Set(keys.map((k, i) => k ?? `#${i}`))];
  const firstOther = sorted.findIndex((k) => !wanted.has(k));
  const before = new Set(firstOther === -1 ? sorted : sorted.slice(0, firstOther));
  const missing = distinct.filter((k) => !before.has(k));
  if (firstOther !== -1 && missing.length) unsupported('a distinct PostgreSQL refuses as Prisma writes it');
  return missing;
}
