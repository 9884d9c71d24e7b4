import type { FieldNode, GraphQLObjectType } from 'graphql';
import { badInput } from '../base/errors.ts';
import { and } from '../permissions/policy.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import { nonNegative, pageSize } from '../schema/generator.ts';
import { readableOrThrow, secureWhere } from '../schema/secure/secure-args.ts';
import { checkFields, checkGroupByOrderBy, checkHaving } from '../schema/secure/unreadable-fields.ts';
import { aggregatePairs } from './compile-aggregate.ts';
import type { CompileState } from './compile-state.ts';
import { jsonRows, limitOffset } from './json-sql.ts';
import { column, scalarField, table } from './sql/columns.ts';
import { compileOrderBy } from './sql/compile-order-by.ts';
import { compileWhere } from './sql/compile-where.ts';
import { scalarJson } from './sql/scalar-json.ts';
import { unsupported } from './unsupported.ts';
import { aggregateOf, compileHaving } from './compile-having.ts';
import { aggregateOps, type AggregateOp } from '../base/naming.ts';

/**
 * `postsGroupBy` as the resolver runs it: one JSON object per group, the
 * groups ordered by `orderBy` (by the grouped fields when absent) and paged,
 * built by one aggregate query, `having` its HAVING clause, an ordering by
 * an aggregate (`{ _count: { id: desc } }`) that aggregate. Shapes the
 * general path refuses (an ordering by a field outside `by`) are declined.
 */
export function compileGroupBy(state: CompileState, model: DmmfModel, args: Record<string, any>, type: GraphQLObjectType, node: FieldNode): string {
  const { gen, ctx, sql } = state;
  if (args.by.length === 0) throw badInput('by must name at least one field', { argument: 'by' });
  checkFields(gen, ctx, model, args.by);
  checkHaving(gen, ctx, model, args.having);
  checkGroupByOrderBy(gen, ctx, model, args.orderBy);
  const orderBy = args.orderBy?.length ? args.orderBy : args.by.map((f: string) => ({ [f]: 'asc' }));
  const skip = args.skip == null ? undefined : nonNegative('skip', args.skip);
  const take = pageSize(gen.limits, 'take', args.take);
  const where = and(secureWhere(gen, ctx, model, gen.registry.toPrisma(args.where, gen.filters.where(model))), readableOrThrow(gen, ctx, model));
  const alias = sql.alias();
  const by = new Set<string>(args.by);
  const pairs = aggregatePairs(state, model, type, alias, node, (key, field) => {
    const name = field.name.value;
    // A field outside `by` is absent from Prisma's group rows: null.
    if (!by.has(name)) return { key, value: 'NULL' };
    const scalar = scalarField(model, name);
    return { key, value: scalarJson(sql, scalar, column(alias, scalar)) };
  });
  const condition = compileWhere(sql, model, alias, where);
  const having = compileHaving(sql, model, alias, by, gen.registry.toPrisma(args.having, gen.filters.having(model)));
  const order = groupOrder(state, model, alias, by, orderBy);
  const groups = [...by].map((name) => column(alias, scalarField(model, name)));
  return jsonRows(
    sql.dialect,
    pairs,
    `FROM ${table(model)} ${alias}${condition ? ` WHERE ${condition}` : ''}` +
      ` GROUP BY ${groups.join(', ')}${having ? ` HAVING ${having}` : ''}${order.length ? ` ORDER BY ${order.join(', ')}` : ''}` +
      limitOffset(take, skip, sql.dialect),
  );
}

/** A groupBy `orderBy` as ORDER BY items: grouped fields, and aggregates of any field, one key per item as Prisma takes them. */
function groupOrder(state: CompileState, model: DmmfModel, alias: string, by: Set<string>, orderBy: Record<string, unknown>[]): string[] {
  const items: string[] = [];
  for (const item of orderBy) {
    const entries = Object.entries(item).filter(([, v]) => v !== undefined);
    if (entries.length !== 1) unsupported('a groupBy orderBy item without exactly one key');
    const [key, value] = entries[0];
    if (!(aggregateOps as string[]).includes(key)) {
      // Prisma refuses an ordering by a field the groups are not made by.
      if (!by.has(key)) unsupported('a groupBy ordering by a field outside by');
      items.push(...compileOrderBy(state.sql, model, alias, [item]));
      continue;
    }
    const parts = Object.entries((value ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (parts.length !== 1 || (parts[0][1] !== 'asc' && parts[0][1] !== 'desc')) unsupported('an aggregate ordering without exactly one field');
    const { expr } = aggregateOf(state.sql, model, alias, key as AggregateOp, parts[0][0]);
    items.push(`${expr} ${parts[0][1] === 'desc' ? 'DESC' : 'ASC'}`);
  }
  return items;
}
