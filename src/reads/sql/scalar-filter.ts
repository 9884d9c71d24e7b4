import { unsupported } from '../unsupported.ts';
import type { DmmfField } from '../../base/datamodel.ts';
import { bindArray, bindValue } from './bind-value.ts';
import type { SqlContext } from './sql-context.ts';

/**
 * One scalar field's filter (`{ equals, not, in, lt, contains, mode... }` or a
 * bare value) → SQL, written as Prisma 7 writes it (read from its statement
 * log on both databases), so NULLs and edge cases behave identically:
 * - `not: v` is `col <> v` and `notIn` is `NOT IN`: rows where the column is
 *   NULL never match either (SQL three-valued logic, as in Prisma).
 * - `not: { ... }` negates each operator inside on its own and ANDs them
 *   (`not: { gte: a, gt: b }` is `< a AND <= b`, not `NOT (>= a AND > b)`),
 *   and inside it a nested filter is negated again but a bare value or null
 *   is not: `not: { not: 1 }` is `<> 1`, `not: { not: { in: [1] } }` is `IN`.
 * - `in: []` matches nothing, `notIn: []` everything.
 * - `contains`/`startsWith`/`endsWith` are `LIKE ('%' || v || '%')` with no
 *   escaping: a `%` or `_` in the value is a wildcard, as in Prisma. SQLite's
 *   LIKE ignores ASCII case (so Prisma's SQLite `contains` does too);
 *   PostgreSQL's does not, unless `mode: 'insensitive'`, which turns `equals`
 *   and the LIKEs into ILIKE and the comparisons into `LOWER(col) op LOWER(v)`.
 * - Float values are bound exactly, in lists too. Prisma 7.10 is not exact in
 *   one case: a Float list that holds an integer outside 32 bits is written
 *   into its query with 16 significant digits, so `in: [0.30000000000000004,
 *   1e15]` misses the rows holding 0.30000000000000004 there (and `notIn`
 *   keeps them); the compiled answer is the exact one.
 */

export const TRUE = '1=1';
export const FALSE = '1=0';

/** True for a value that is a filter object rather than a bare value (`{ name: 'x' }`). */
export function isFilterObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Prisma's `DbNull` / `JsonNull` / `AnyNull` sentinels, by name (the generated client owns the classes). */
export function nullSentinel(value: unknown): 'DbNull' | 'JsonNull' | 'AnyNull' | undefined {
  if (typeof value !== 'object' || value === null || isFilterObject(value)) return undefined;
  const marker = value as { _getName?: () => string; constructor?: { name?: string } };
  const name = typeof marker._getName === 'function' ? marker._getName() : (marker.constructor?.name ?? '');
  return (['DbNull', 'JsonNull', 'AnyNull'] as const).find((n) => name === n);
}

/**
 * `negated`: compiling the filter of a `not: { ... }` (each operator negated);
 * `underNot`: the filter sits under an odd number of where-level NOTs, which
 * wrap it whole — only Json string tests are written differently there.
 */
export function compileScalarFilter(ctx: SqlContext, field: DmmfField, col: string, filter: unknown, negated = false, underNot = false): string | null {
  if (field.type === 'Json') return compileJsonFilter(ctx, field, col, filter, underNot);
  if (field.isList) return compileListFilter(ctx, field, col, filter);
  // Prisma refuses a null it cannot compare (`gt: null`, `equals: null` on a required field): the general path answers that.
  const refusesNull = (op: string) => (op !== 'equals' && op !== 'not') || field.isRequired;
  if (!isFilterObject(filter)) {
    if (filter === null && refusesNull('equals')) unsupported('a null filter value Prisma refuses');
    return filter === null ? `${col} IS NULL` : `${col} = ${bindValue(ctx, field, filter)}`;
  }
  const insensitive = filter.mode === 'insensitive' && ctx.dialect === 'postgresql';
  const lower = (sql: string) => (insensitive ? `LOWER(${sql})` : sql);
  const text = ctx.dialect === 'postgresql' && !insensitive ? `${col}::text` : col;
  const like = `${negated ? 'NOT ' : ''}${insensitive ? 'ILIKE' : 'LIKE'}`;
  const value = (v: unknown) => bindValue(ctx, field, v);
  const differs = (v: unknown) => (insensitive ? `${col} NOT ILIKE ${value(v)}` : `${col} <> ${value(v)}`);
  const parts: string[] = [];
  for (const [op, v] of Object.entries(filter)) {
    if (v === undefined || op === 'mode') continue;
    if (v === null && refusesNull(op)) unsupported('a null filter value Prisma refuses');
    switch (op) {
      case 'equals':
        if (v === null) parts.push(`${col} IS ${negated ? 'NOT ' : ''}NULL`);
        else if (negated) parts.push(differs(v));
        else parts.push(insensitive ? `${col} ILIKE ${value(v)}` : `${col} = ${value(v)}`);
        break;
      case 'not':
        // Prisma negates a nested filter again under a `not`, but not a bare value or null: `not: { not: 1 }` is `<> 1`.
        if (v === null) parts.push(`${col} IS NOT NULL`);
        else if (isFilterObject(v)) {
          const inner = compileScalarFilter(ctx, field, col, insensitive ? { mode: 'insensitive', ...v } : v, !negated);
          if (inner !== null) parts.push(inner);
        } else parts.push(differs(v));
        break;
      case 'in':
      case 'notIn': {
        const list = (Array.isArray(v) ? v : [v]) as unknown[];
        const positive = (op === 'in') !== negated;
        if (list.length === 0) parts.push(positive ? FALSE : TRUE);
        else parts.push(`${lower(col)} ${positive ? 'IN' : 'NOT IN'} (${list.map((item) => lower(value(item))).join(', ')})`);
        break;
      }
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte': {
        const sign = (negated ? { lt: '>=', lte: '>', gt: '<=', gte: '<' } : { lt: '<', lte: '<=', gt: '>', gte: '>=' })[op];
        parts.push(`${lower(col)} ${sign} ${lower(value(v))}`);
        break;
      }
      case 'contains':
        parts.push(`${text} ${like} ('%' || ${value(v)} || '%')`);
        break;
      case 'startsWith':
        parts.push(`${text} ${like} (${value(v)} || '%')`);
        break;
      case 'endsWith':
        parts.push(`${text} ${like} ('%' || ${value(v)})`);
        break;
      default:
        throw new Error(`Unknown filter operator ${op} on ${field.name}`);
    }
  }
  return joinAnd(parts);
}

/** Scalar lists (PostgreSQL): Prisma's `@>`, `&&`, `= '{}'`. A NULL list matches none of them. */
function compileListFilter(ctx: SqlContext, field: DmmfField, col: string, filter: unknown): string | null {
  if (!isFilterObject(filter)) throw new Error(`A scalar list filter on ${field.name} must be an object`);
  const parts: string[] = [];
  for (const [op, v] of Object.entries(filter)) {
    if (v === undefined) continue;
    const list = (x: unknown) => bindArray(ctx, field, (Array.isArray(x) ? x : [x]) as unknown[]);
    if (op === 'equals') parts.push(v === null ? `${col} IS NULL` : `${col} = ${list(v)}`);
    else if (op === 'has') parts.push(`${col} @> ${list([v])}`);
    else if (op === 'hasEvery') parts.push(`${col} @> ${list(v)}`);
    else if (op === 'hasSome') parts.push(`${col} && ${list(v)}`);
    else if (op === 'isEmpty') parts.push(v ? `${col} = '{}'` : `${col} <> '{}'`);
    else throw new Error(`Unknown list filter operator ${op} on ${field.name}`);
  }
  return joinAnd(parts);
}

/**
 * Json: `equals`/`not` compare the whole value (or the value at `path`);
 * `DbNull` is the column's SQL NULL, `JsonNull` the JSON `null`. The string
 * tests also require a string at `path`. A `path` arrives as Prisma takes it:
 * a key list on PostgreSQL, a JSON path string (`$."a"`) on SQLite.
 */
function compileJsonFilter(ctx: SqlContext, field: DmmfField, col: string, filter: unknown, underNot: boolean): string | null {
  if (!isFilterObject(filter)) throw new Error(`A Json filter on ${field.name} must be an object`);
  const pg = ctx.dialect === 'postgresql';
  const path = filter.path;
  const hasPath = path !== undefined && path !== null;
  const pathParam = () => (pg ? `CAST(${ctx.params.add((path as unknown[]).map(String))} AS text[])` : ctx.params.add(path));
  const at = () => (!hasPath ? (pg ? `${col}::jsonb` : col) : pg ? `(${col}::jsonb #> ${pathParam()})` : `(${col} -> ${pathParam()})`);
  const atText = () => (!hasPath ? (pg ? `(${col}::jsonb #>> '{}')` : `(${col} ->> '$')`) : pg ? `(${col}::jsonb #>> ${pathParam()})` : `(${col} ->> ${pathParam()})`);
  const typeOf = () => (pg ? `jsonb_typeof(${at()})` : `json_type(${col}, ${hasPath ? pathParam() : "'$'"})`);
  const stringType = pg ? "'string'" : "'text'";
  // Under a NOT Prisma writes `like OR type <> string` (so that NOT gives `NOT like AND type = string`).
  const stringTest = (like: string) => (underNot ? `(${like} OR ${typeOf()} <> ${stringType})` : `(${like} AND ${typeOf()} = ${stringType})`);
  const json = (v: unknown) => (pg ? `CAST(${ctx.params.add(JSON.stringify(v))} AS jsonb)` : ctx.params.add(JSON.stringify(v)));
  const equals = (v: unknown): string => {
    const sentinel = v === null ? 'DbNull' : nullSentinel(v);
    if (sentinel === 'DbNull') return hasPath ? `${at()} IS NULL` : `${col} IS NULL`;
    if (sentinel === 'JsonNull') return `${at()} = ${json(null)}`;
    if (sentinel === 'AnyNull') return `(${col} IS NULL OR ${at()} = ${json(null)})`;
    return `${at()} = ${json(v)}`;
  };
  const parts: string[] = [];
  for (const [op, v] of Object.entries(filter)) {
    if (v === undefined || op === 'path') continue;
    if (op === 'equals') parts.push(equals(v));
    else if (op === 'not') {
      const sentinel = v === null ? 'DbNull' : nullSentinel(v);
      if (sentinel === 'DbNull') parts.push(hasPath ? `${at()} IS NOT NULL` : `${col} IS NOT NULL`);
      else if (sentinel) parts.push(`(NOT ${equals(v)})`);
      else parts.push(`${at()} <> ${json(v)}`);
    } else if (op === 'string_contains') parts.push(stringTest(`${atText()} LIKE ('%' || ${ctx.params.add(v)} || '%')`));
    else if (op === 'string_starts_with') parts.push(stringTest(`${atText()} LIKE (${ctx.params.add(v)} || '%')`));
    else if (op === 'string_ends_with') parts.push(stringTest(`${atText()} LIKE ('%' || ${ctx.params.add(v)})`));
    else if (op === 'array_contains' && pg) parts.push(`(${at()} @> ${json(Array.isArray(v) ? v : [v])} AND jsonb_typeof(${at()}) = 'array')`);
    else throw new Error(`Unsupported Json filter operator ${op} on ${field.name}`);
  }
  return joinAnd(parts);
}

/** `a AND b`, or the single part, or null for "no condition". */
export function joinAnd(parts: string[]): string | null {
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
}

/**
 * The condition of a filter's `AND`, `OR` or `NOT` over its compiled items
 * (those that are no condition already left out), as Prisma reads them: an
 * empty `OR` matches nothing, unless it is itself an item of another list;
 * `NOT` negates each item. Null for "no condition".
 */
export function joinLogical(key: 'AND' | 'OR' | 'NOT', inner: string[], item: boolean): string | null {
  if (inner.length === 0) return key === 'OR' && !item ? FALSE : null;
  if (key === 'AND') return joinAnd(inner);
  if (key === 'OR') return inner.length === 1 ? inner[0]! : `(${inner.join(' OR ')})`;
  return joinAnd(inner.map((s) => `(NOT ${s})`));
}
