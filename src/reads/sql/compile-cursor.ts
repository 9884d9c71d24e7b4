import type { Where } from '../../permissions/policy.ts';
import type { DmmfModel } from '../../base/datamodel.ts';
import { idFields, uniqueKeys } from '../../base/datamodel.ts';
import { column, scalarField, table } from './columns.ts';
import { compileWhere } from './compile-where.ts';
import { type OrderTerm, orderTerms } from './compile-order-by.ts';
import { quote, type SqlContext } from './sql-context.ts';

/**
 * Prisma's cursor as one boolean over the row aliased `alias`, matching
 * Prisma 7's pages exactly. Prisma does two things (statement log, and its
 * client runtime's `Ta`):
 *
 * 1. In SQL, each `orderBy` key (the primary key ascending when there is
 *    none; the order reversed for a negative `take`) is compared with the
 *    cursor row's value, fetched by a subquery over the whole table:
 *    `(k1 = c1 AND k2 >= c2) OR (k1 > c1)` — strict on every key but the
 *    last. An optional column compares as `(k op c OR k IS NULL OR c IS NULL)`
 *    and equals as `(k = c OR c IS NULL OR k IS NULL)`; a column behind an
 *    optional to-one relation also passes when that relation's foreign key
 *    is NULL. This lets through rows that sort before the cursor row.
 * 2. In memory, the page starts at the cursor row among the rows returned
 *    (in statement order); when it is not among them — missing, or filtered
 *    out by the list's `where` — the page is empty. `skip`/`take` count from it.
 *
 * For a root list, Prisma skips step 2 when step 1 is exact: the `orderBy` includes a unique
 * field or compound `@@unique` of the model (a compound `@@id` does not
 * count), and no key can be NULL (read from whether its statement keeps the
 * LIMIT). Then a
 * cursor row outside the list still positions the page, and only a missing
 * one empties it — so here too. A nested list always takes step 2 (the
 * cursor row must be one of the parent's related rows).
 *
 * Otherwise: condition 1 on the row, and `EXISTS` the cursor row passing `scope`
 * (the conditions that put a row in the list: its `where`, rules and, for a
 * nested list, the link to the parent row) and condition 1 itself, with the
 * row at or after it in the order run — a lexicographic comparison over the
 * keys with NULLs where the database (or `nulls`) puts them, then the primary
 * key ascending. Callers must order the statement the same way: the
 * `orderBy` (reversed when `backwards`) followed by the primary key
 * ascending, as the read compiler does; ties on every key then come in a
 * known order, where Prisma takes whatever the database returns.
 */
export function compileCursor(
  ctx: SqlContext,
  model: DmmfModel,
  alias: string,
  cursor: Where,
  orderBy: unknown,
  backwards: boolean,
  options: CursorOptions = {},
): string {
  const { scope, nested = false, sqlOnly = false } = options;
  const at = ctx.alias();
  const terms = (a: string) => {
    const given = orderTerms(ctx, model, a, orderBy);
    return runOrder(given.length ? given : idTerms(model, a), backwards);
  };
  const lookup = ctx.alias();
  const cursorRow = (expr: string) => `(SELECT ${expr} FROM ${table(model)} AS ${quote(lookup)} WHERE ${compileWhere(ctx, model, lookup, cursor) ?? '1=1'})`;
  const rowTerms = terms(alias);
  const inSql = prismaCondition(rowTerms, terms(lookup).map((t) => cursorRow(t.expr)));
  if (sqlOnly || (!nested && isExactInSql(model, rowTerms))) return inSql;
  const cursorTerms = terms(at);
  // The cursor row passes condition 1 against itself too (it is among the rows returned), NULL keys decide.
  const cursorInSql = prismaCondition(cursorTerms, cursorTerms.map((t) => t.expr));
  const ordered = atOrAfter(ctx, [...rowTerms, ...idTerms(model, alias)], [...cursorTerms, ...idTerms(model, at)]);
  const conditions = [compileWhere(ctx, model, at, cursor), scope?.(at) ?? null, cursorInSql, ordered];
  return `(${inSql} AND EXISTS (SELECT 1 FROM ${table(model)} AS ${quote(at)} WHERE ${conditions.filter((c): c is string => c !== null).join(' AND ')}))`;
}

export interface CursorOptions {
  /**
   * The conditions that put a row in the list, over the cursor row's alias:
   * the list's `where` and rules, and for a nested list the link to the
   * parent row. Without it, a cursor row outside the list counts as in it.
   */
  scope?: (cursorAlias: string) => string | null;
  /** A nested (to-many relation) list: Prisma always starts it at the cursor row in memory. */
  nested?: boolean;
  /**
   * Condition 1 alone: the caller starts the page at the cursor row itself
   * (a `distinct` list, where Prisma always takes step 2, after dropping
   * the repeated rows).
   */
  sqlOnly?: boolean;
}

/** Whether Prisma trusts its SQL condition alone (no in-memory cursor step). */
function isExactInSql(model: DmmfModel, terms: OrderTerm[]): boolean {
  if (terms.some((t) => t.nullable || t.optionalPath || t.viaOptional)) return false;
  const own = new Set(terms.map((t) => t.field).filter((f): f is string => !!f));
  // A compound primary key does not count (ordering by all of Pairing's @@id still takes the in-memory step); a compound @@unique does.
  const compoundId = model.primaryKey && model.primaryKey.fields.length > 1 ? model.primaryKey.fields.join(',') : undefined;
  return uniqueKeys(model).some((key) => key.fields.join(',') !== compoundId && key.fields.every((f) => own.has(f)));
}

/** The keys in the order the statement runs: reversed (NULLs placement too) for a backward page. */
function runOrder(terms: OrderTerm[], backwards: boolean): OrderTerm[] {
  if (!backwards) return terms;
  return terms.map((t) => ({ ...t, desc: !t.desc, ...(t.nulls ? { nulls: t.nulls === 'first' ? 'last' : 'first' } : {}) }));
}

function idTerms(model: DmmfModel, alias: string): OrderTerm[] {
  return idFields(model).map((name) => ({ expr: column(alias, scalarField(model, name)), desc: false, field: name }));
}

/** Condition 1 above; `cursor[i]` is the cursor row's value of key i. */
function prismaCondition(terms: OrderTerm[], cursor: string[]): string {
  const equal = (t: OrderTerm, c: string) => (t.nullable ? `(${t.expr} = ${c} OR ${c} IS NULL OR ${t.expr} IS NULL)` : `${t.expr} = ${c}`);
  const compare = (t: OrderTerm, c: string, inclusive: boolean) => {
    let sql = `${t.expr} ${t.desc ? '<' : '>'}${inclusive ? '=' : ''} ${c}`;
    if (t.nullable) sql = `(${sql} OR ${t.expr} IS NULL OR ${c} IS NULL)`;
    if (t.viaOptional) sql = `(${sql} OR ${t.viaOptional} IS NULL)`;
    return sql;
  };
  const branches = terms.map((t, i) => {
    const parts = [...terms.slice(0, i).map((p, j) => equal(p, cursor[j])), compare(t, cursor[i], i === terms.length - 1)];
    return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
  });
  return branches.length === 1 ? branches[0] : `(${branches.join(' OR ')})`;
}

/** Row ≥ cursor in the order run: equal on the first i-1 keys and after on key i, for some i, or equal on all. */
function atOrAfter(ctx: SqlContext, row: OrderTerm[], cursor: OrderTerm[]): string {
  const same = (i: number) => (ctx.dialect === 'postgresql' ? `${row[i].expr} IS NOT DISTINCT FROM ${cursor[i].expr}` : `${row[i].expr} IS ${cursor[i].expr}`);
  const branches: string[] = [];
  for (let i = 0; i <= row.length; i++) {
    const parts = [...Array.from({ length: i }, (_, j) => same(j)), ...(i < row.length ? [after(ctx, row[i], cursor[i].expr)] : [])];
    branches.push(parts.length ? `(${parts.join(' AND ')})` : '1=1');
  }
  return `(${branches.join(' OR ')})`;
}

/** The row's value sorts strictly after the cursor's under this key. */
function after(ctx: SqlContext, term: OrderTerm, c: string): string {
  const nullsFirst = term.nulls ? term.nulls === 'first' : ctx.dialect === 'postgresql' ? term.desc : !term.desc;
  const v = term.expr;
  const beyond = `${v} ${term.desc ? '<' : '>'} ${c}`;
  return nullsFirst ? `(${beyond} OR (${c} IS NULL AND ${v} IS NOT NULL))` : `(${beyond} OR (${v} IS NULL AND ${c} IS NOT NULL))`;
}
