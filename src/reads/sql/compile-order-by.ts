import type { DmmfModel } from '../../base/datamodel.ts';
import { column, relationJoin } from './columns.ts';
import { isFilterObject } from './scalar-filter.ts';
import type { SqlContext } from './sql-context.ts';
import { unsupported } from '../unsupported.ts';

/**
 * Prisma `orderBy` → ORDER BY items, ordering rows exactly as Prisma 7 does:
 * - `{ field: 'asc' }` is a bare `ASC`, so NULLs fall where the database puts
 *   them (PostgreSQL: last ascending, first descending; SQLite: first
 *   ascending, last descending) — Prisma writes no NULLS clause either.
 * - `{ field: { sort, nulls } }` adds `NULLS FIRST|LAST` (SQLite has it since 3.30).
 * - `{ author: { name: 'asc' } }` sorts by the related row's column (NULL when
 *   there is none, as Prisma's LEFT JOIN gives), at any depth.
 * - `{ posts: { _count: 'desc' } }` sorts by the number of related rows (0 when none).
 * - No primary key is appended: Prisma appends none (its statements end with
 *   the given keys only), so rows tied on every key come in the database's
 *   order on both paths — callers that need a stable page (connections)
 *   append the id themselves, as Strata's connection resolver does.
 */
export function compileOrderBy(ctx: SqlContext, model: DmmfModel, alias: string, orderBy: unknown): string[] {
  return orderTerms(ctx, model, alias, orderBy).map(renderTerm);
}

/** One sort key: an SQL value, its direction and, when given, where NULLs go. */
export interface OrderTerm {
  expr: string;
  desc: boolean;
  nulls?: 'first' | 'last';
  /** The sorted column may be NULL (an optional field). */
  nullable?: boolean;
  /** For a column reached through an optional to-one relation: the foreign key that is NULL when there is no related row. */
  viaOptional?: string;
  /** The column of the model itself this key sorts by (not through a relation, not a count). */
  field?: string;
  /** Reached through an optional to-one relation (it may be NULL though the column is required). */
  optionalPath?: boolean;
}

export function renderTerm(term: OrderTerm): string {
  return `${term.expr} ${term.desc ? 'DESC' : 'ASC'}${term.nulls ? ` NULLS ${term.nulls.toUpperCase()}` : ''}`;
}

/** The sort keys of an `orderBy`, as values over the row aliased `alias`. */
export function orderTerms(ctx: SqlContext, model: DmmfModel, alias: string, orderBy: unknown): OrderTerm[] {
  if (orderBy === undefined || orderBy === null) return [];
  const items = (Array.isArray(orderBy) ? orderBy : [orderBy]) as unknown[];
  return items.flatMap((item) => termsOf(ctx, model, alias, item));
}

function termsOf(ctx: SqlContext, model: DmmfModel, alias: string, item: unknown): OrderTerm[] {
  if (!isFilterObject(item)) throw new Error(`An orderBy item on ${model.name} must be an object`);
  // Prisma refuses an orderBy object naming two keys (`{ a: asc, b: desc }`, here or through a relation): the general path errors.
  if (Object.values(item).filter((v) => v !== undefined && v !== null).length > 1) unsupported('an orderBy object with more than one key');
  const terms: OrderTerm[] = [];
  for (const [key, value] of Object.entries(item)) {
    if (value === undefined || value === null) continue;
    const field = model.fields.find((f) => f.name === key);
    if (!field) throw new Error(`Unknown field ${model.name}.${key} in an orderBy`);
    if (field.kind !== 'object') {
      terms.push({ expr: column(alias, field), ...direction(value), nullable: !field.isRequired, field: field.name });
      continue;
    }
    const to = ctx.alias();
    const join = relationJoin(ctx.datamodel, model, field, alias, to, ctx.alias);
    if (field.isList) {
      const count = (value as { _count?: unknown })._count;
      if (count === undefined) throw new Error(`A to-many orderBy on ${model.name}.${key} takes _count`);
      terms.push({ expr: `(SELECT COUNT(*) FROM ${join.from} WHERE ${join.on})`, ...direction(count) });
      continue;
    }
    const through = (expr: string) => `(SELECT ${expr} FROM ${join.from} WHERE ${join.on})`;
    // Prisma's cursor tests the foreign key of the innermost optional hop that holds one (see compile-cursor.ts).
    const optionalKey = !field.isRequired && join.ownKeys ? join.ownKeys[0] : undefined;
    for (const inner of termsOf(ctx, ctx.datamodel.model(field.type), to, value)) {
      const viaOptional = inner.viaOptional ? through(inner.viaOptional) : optionalKey;
      const { field: _own, ...rest } = inner;
      terms.push({ ...rest, expr: through(inner.expr), ...(viaOptional ? { viaOptional } : {}), ...(inner.optionalPath || !field.isRequired ? { optionalPath: true } : {}) });
    }
  }
  return terms;
}

function direction(value: unknown): { desc: boolean; nulls?: 'first' | 'last' } {
  if (value === 'asc' || value === 'desc') return { desc: value === 'desc' };
  if (isFilterObject(value) && (value.sort === 'asc' || value.sort === 'desc')) {
    const nulls = value.nulls === 'first' || value.nulls === 'last' ? value.nulls : undefined;
    return { desc: value.sort === 'desc', ...(nulls ? { nulls } : {}) };
  }
  throw new Error(`Not a sort order: ${JSON.stringify(value)}`);
}
