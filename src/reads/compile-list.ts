import type { GraphQLObjectType, SelectionSetNode } from 'graphql';
import { flipOrderBy } from '../schema/flip-order-by.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import { idFields } from '../base/datamodel.ts';
import type { ListArgs } from '../schema/generator.ts';
import type { Where } from '../permissions/policy.ts';
import type { CompileState } from './compile-state.ts';
import { jsonArray, limitOffset } from './json-sql.ts';
import { column, type RelationJoin, scalarField, table } from './sql/columns.ts';
import { compileCursor } from './sql/compile-cursor.ts';
import { compileOrderBy } from './sql/compile-order-by.ts';
import { compileWhere } from './sql/compile-where.ts';
import { quote } from './sql/sql-context.ts';
import { unsupported } from './unsupported.ts';

/** Compiles one row's selection into a JSON object expression (see compile-object.ts). */
export type ObjectCompiler = (state: CompileState, model: DmmfModel, type: GraphQLObjectType, alias: string, selectionSet: SelectionSetNode | undefined) => string;

/**
 * A JSON array of the rows of a list read (the arguments as listArgs made
 * them: rules joined in, inputs checked, the page size capped), filtered,
 * ordered and paged inside its own subquery, so JSON is built only for the
 * rows returned. `link` ties the rows to their parent row (nested lists);
 * `extra` adds a condition (a root cursor's visibility). `object` compiles
 * each row's selection (`compileObject`, passed in: it compiles nested lists
 * with this function).
 */
export function compileList(
  object: ObjectCompiler,
  state: CompileState,
  model: DmmfModel,
  type: GraphQLObjectType,
  list: ListArgs,
  selectionSet: SelectionSetNode | undefined,
  link?: (alias: string) => RelationJoin,
  extra?: string,
): string {
  if (list.distinct) unsupported('distinct');
  const backwards = list.take !== undefined && list.take < 0;
  if (backwards && list.cursor) unsupported('a cursor with a negative take');
  const { sql } = state;
  const alias = sql.alias();
  const join = link?.(alias);
  const conditions = [join?.on, extra, compileWhere(sql, model, alias, list.where as Where)];
  if (list.cursor) {
    // What puts a row in the list (its parent, its where with the rules): compileCursor decides, as Prisma does,
    // whether the cursor row must be one of them. A root cursor's visibility is the caller's (see isCursorVisible).
    const scope = (at: string) => [link && linked(model, at, link), compileWhere(sql, model, at, list.where as Where)].filter(Boolean).join(' AND ') || null;
    conditions.push(compileCursor(sql, model, alias, list.cursor as Where, list.orderBy, false, { scope, nested: !!link }));
  }
  const row = object(state, model, type, alias, selectionSet);
  const where = conditions.filter(Boolean);
  // A negative take reads the order reversed (as Prisma flips it), then gives the page back in the order asked.
  const order = withTiebreaker(model, alias, compileOrderBy(sql, model, alias, backwards ? flipOrderBy(list.orderBy, refuseNulls) : list.orderBy), backwards);
  const from = join?.from ?? `${table(model)} AS ${quote(alias)}`;
  const filter = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const page = limitOffset(backwards ? -list.take! : list.take, list.skip, sql.dialect);
  if (!backwards) return jsonArray(sql.dialect, `SELECT ${row} AS j FROM ${from}${filter} ORDER BY ${order.join(', ')}${page}`);
  const reversed = `SELECT ${row} AS j, row_number() OVER (ORDER BY ${order.join(', ')}) AS n FROM ${from}${filter} ORDER BY ${order.join(', ')}${page}`;
  return jsonArray(sql.dialect, `SELECT r.j FROM (${reversed}) r ORDER BY r.n DESC`);
}

/** The row aliased `at` is one of the parent's related rows (through a join table too). */
function linked(model: DmmfModel, at: string, link: (alias: string) => RelationJoin): string {
  const other = `${at}_l`;
  const join = link(other);
  const same = idFields(model).map((name) => `${column(other, scalarField(model, name))} = ${column(at, scalarField(model, name))}`);
  return `EXISTS (SELECT 1 FROM ${join.from} WHERE ${[join.on, ...same].join(' AND ')})`;
}

/**
 * Prisma orders a paged read without `orderBy` by the primary key, and with
 * one leaves ties to the database, which returns them in storage (primary
 * key) order for these scans; the compiled subqueries may walk another index,
 * so they break ties by the primary key explicitly.
 */
function withTiebreaker(model: DmmfModel, alias: string, order: string[], descending = false): string[] {
  const ids = idFields(model).map((name) => column(alias, scalarField(model, name)));
  const named = (column: string) => order.some((item) => item === column || item.startsWith(`${column} `));
  return [...order, ...ids.filter((column) => !named(column)).map((column) => `${column} ${descending ? 'DESC' : 'ASC'}`)];
}

/** A nulls placement cannot be reversed the way Prisma reverses it for a negative take. */
function refuseNulls(node: object): void {
  if ('nulls' in node) unsupported('a negative take with a nulls placement');
}
