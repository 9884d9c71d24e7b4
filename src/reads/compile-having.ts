import { type DmmfField, type DmmfModel, numericTypes } from '../base/datamodel.ts';
import { aggregateOps, type AggregateOp } from '../base/naming.ts';
import { column, scalarField } from './sql/columns.ts';
import { compileScalarFilter, isFilterObject, joinAnd, joinLogical } from './sql/scalar-filter.ts';
import type { SqlContext } from './sql/sql-context.ts';
import { unsupported } from './unsupported.ts';

const isAggregate = (key: string): key is AggregateOp => (aggregateOps as string[]).includes(key);
const noMinMax = new Set(['Json', 'Bytes', 'Boolean']);

/**
 * One aggregate of a field of the group aliased `alias`, and the field type
 * its `having` filter and its value have: a count is an Int, an average a
 * Float (a Decimal for Decimal fields), the others the field's own type.
 */
export function aggregateOf(sql: SqlContext, model: DmmfModel, alias: string, op: AggregateOp, name: string): { expr: string; field: DmmfField } {
  const field = scalarField(model, name);
  // Aggregates Prisma refuses (`_avg` of a String) or PostgreSQL does (`min(boolean)`): the general path errors.
  if (field.type === 'Json' || ((op === '_sum' || op === '_avg') && !numericTypes.has(field.type)) || ((op === '_min' || op === '_max') && noMinMax.has(field.type))) {
    unsupported(`${op} of ${model.name}.${name}`);
  }
  const col = column(alias, field);
  if (op === '_count') return { expr: `COUNT(${col})`, field: { ...field, kind: 'scalar', type: 'Int', isRequired: true, isList: false } };
  if (op === '_avg') return { expr: `AVG(${col})`, field: { ...field, type: field.type === 'Decimal' ? 'Decimal' : 'Float' } };
  return { expr: `${op.slice(1).toUpperCase()}(${col})`, field };
}

/**
 * A groupBy `having` → the HAVING condition, as Prisma 7 writes it (read from
 * its statement log on both databases): each field's own operators test the
 * grouped column, `_count`/`_sum`/`_avg`/`_min`/`_max` test that aggregate
 * with the scalar filter's SQL, and AND/OR/NOT lists follow the where
 * compiler's rules (empty parts dropped inside list items, a root `OR: []`
 * matches nothing). A field's own operators on a field outside `by` are an
 * error on the general path: declined.
 */
export function compileHaving(sql: SqlContext, model: DmmfModel, alias: string, by: Set<string>, having: unknown, item = false): string | null {
  if (having === undefined || having === null) return null;
  if (!isFilterObject(having)) unsupported('a having that is not an object');
  const parts: string[] = [];
  for (const [key, value] of Object.entries(having)) {
    if (value === undefined) continue;
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      const items = (Array.isArray(value) ? value : [value]) as unknown[];
      const inner = items.map((h) => compileHaving(sql, model, alias, by, h, true)).filter((s): s is string => s !== null);
      const joined = joinLogical(key, inner, item);
      if (joined !== null) parts.push(joined);
      continue;
    }
    if (!isFilterObject(value)) unsupported('a having value that is not a filter');
    const field = scalarField(model, key);
    const own = Object.fromEntries(Object.entries(value).filter(([op, v]) => !isAggregate(op) && v !== undefined));
    // Prisma's filters of a required field's values (and of any count) are not nullable: a null is refused.
    if (field.isRequired && hasNull(value)) unsupported('a null in a having filter of a required field');
    if (Object.keys(own).length) {
      if (!by.has(key) || field.type === 'Json') unsupported('a having on a field outside by');
      const sqlOwn = compileScalarFilter(sql, field, column(alias, field), own);
      if (sqlOwn !== null) parts.push(sqlOwn);
    }
    for (const [op, filter] of Object.entries(value)) {
      if (!isAggregate(op) || filter === undefined) continue;
      if (op === '_count' && hasNull(filter)) unsupported('a null in a having count filter');
      const { expr, field: typed } = aggregateOf(sql, model, alias, op, key);
      const sqlAgg = compileScalarFilter(sql, typed, expr, filter);
      if (sqlAgg !== null) parts.push(sqlAgg);
    }
  }
  return joinAnd(parts);
}

/** Whether a filter holds a null anywhere (`equals: null`, `in: [null]`, `not: { equals: null }`). */
function hasNull(filter: unknown): boolean {
  if (filter === null) return true;
  if (Array.isArray(filter)) return filter.some(hasNull);
  return isFilterObject(filter) && Object.values(filter).some(hasNull);
}
