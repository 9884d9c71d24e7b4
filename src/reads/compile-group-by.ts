import type { FieldNode, GraphQLObjectType } from 'graphql';
import { badInput } from '../base/errors.ts';
import { and } from '../permissions/policy.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import { nonNegative, pageSize } from '../schema/generator.ts';
import { readableOrThrow, secureWhere } from '../schema/secure/secure-args.ts';
import { checkFields, checkGroupByOrderBy, checkHaving } from '../schema/secure/unreadable-fields.ts';
import { aggregatePairs } from './compile-aggregate.ts';
import type { CompileState } from './compile-state.ts';
import { jsonArray, jsonObject, limitOffset } from './json-sql.ts';
import { column, scalarField, table } from './sql/columns.ts';
import { compileOrderBy } from './sql/compile-order-by.ts';
import { compileWhere } from './sql/compile-where.ts';
import { scalarJson } from './sql/scalar-json.ts';
import { unsupported } from './unsupported.ts';

/**
 * `postsGroupBy` as the resolver runs it: one JSON object per group, the
 * groups ordered by `orderBy` (by the grouped fields when absent) and paged,
 * built by one aggregate query. `having` and orderings by an aggregate are
 * declined for now.
 */
export function compileGroupBy(state: CompileState, model: DmmfModel, args: Record<string, any>, type: GraphQLObjectType, node: FieldNode): string {
  const { gen, ctx, sql } = state;
  if (args.by.length === 0) throw badInput('by must name at least one field', { argument: 'by' });
  checkFields(gen, ctx, model, args.by);
  checkHaving(gen, ctx, model, args.having);
  checkGroupByOrderBy(gen, ctx, model, args.orderBy);
  if (args.having) unsupported('having');
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
  const order = compileOrderBy(sql, model, alias, orderBy);
  const groups = [...by].map((name) => column(alias, scalarField(model, name)));
  return jsonArray(
    sql.dialect,
    `SELECT ${jsonObject(sql.dialect, pairs)} AS j FROM ${table(model)} ${alias}${condition ? ` WHERE ${condition}` : ''}` +
      ` GROUP BY ${groups.join(', ')}${order.length ? ` ORDER BY ${order.join(', ')}` : ''}${limitOffset(take, skip, sql.dialect)}`,
  );
}
