import type { GraphQLObjectType, SelectionSetNode } from 'graphql';
import { flipOrderBy } from '../schema/flip-order-by.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import { idFields } from '../base/datamodel.ts';
import type { ListArgs } from '../schema/generator.ts';
import type { Where } from '../permissions/policy.ts';
import type { CompileState } from './compile-state.ts';
import { jsonArray, jsonObject, type JsonPair, jsonRows, limitOffset } from './json-sql.ts';
import { column, type RelationJoin, scalarField, table } from './sql/columns.ts';
import { compileCursor } from './sql/compile-cursor.ts';
import { compileOrderBy } from './sql/compile-order-by.ts';
import { compileWhere } from './sql/compile-where.ts';
import { quote } from './sql/sql-context.ts';
import { distinctRows, nativeDistinctKeys } from './distinct-rows.ts';
import { unsupported } from './unsupported.ts';

/** Compiles one row's selection into the keys and values of its JSON object (see compile-object.ts). */
export type ObjectCompiler = (state: CompileState, model: DmmfModel, type: GraphQLObjectType, alias: string, selectionSet: SelectionSetNode | undefined) => JsonPair[];

/**
 * A JSON array of the rows of a list read (the arguments as listArgs made
 * them: rules joined in, inputs checked, the page size capped), filtered,
 * ordered and paged inside its own subquery, so JSON is built only for the
 * rows returned. `link` ties the rows to their parent row (nested lists);
 * `extra` adds a condition (a root cursor's visibility). `object` compiles
 * each row's selection (`compileObject`, passed in: it compiles nested lists
 * with this function).
 *
 * A negative `take` reads the order reversed (directions and NULL placement,
 * as Prisma reverses it), then gives the page back in the order asked. A
 * `distinct` list is paged as Prisma pages it in memory: its rows (where,
 * rules, the cursor's SQL condition) in the order run, the first of each
 * distinct tuple kept, then the cursor row found among those (none: no rows),
 * then skip and take.
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
  const backwards = list.take !== undefined && list.take < 0;
  // A cursor naming no key is refused by Prisma.
  if (list.cursor && !Object.values(list.cursor).some((v) => v !== undefined && v !== null)) unsupported('a cursor without a key');
  const distinct = list.distinct?.length ? list.distinct : undefined;
  const { sql } = state;
  const alias = sql.alias();
  const join = link?.(alias);
  const conditions = [join?.on, extra, compileWhere(sql, model, alias, list.where as Where)];
  if (list.cursor) {
    // What puts a row in the list (its parent, its where with the rules): compileCursor decides, as Prisma does,
    // whether the cursor row must be one of them. A root cursor's visibility is the caller's (see isCursorVisible).
    const scope = (at: string) => [link && linked(model, at, link), compileWhere(sql, model, at, list.where as Where)].filter(Boolean).join(' AND ') || null;
    conditions.push(compileCursor(sql, model, alias, list.cursor as Where, list.orderBy, backwards, { scope, nested: !!link, sqlOnly: !!distinct }));
  }
  const row = object(state, model, type, alias, selectionSet);
  const where = conditions.filter(Boolean);
  // Without an orderBy Prisma orders by the primary key (reversed too for a negative take).
  const given = compileOrderBy(sql, model, alias, list.orderBy).length ? list.orderBy : idFields(model).map((f) => ({ [f]: 'asc' }));
  const items = compileOrderBy(sql, model, alias, backwards ? reverseOrder(given) : given);
  if (distinct) items.push(...nativeDistinctKeys(sql, model, list.orderBy, distinct, list.cursor).map((f) => `${column(alias, scalarField(model, f))} ASC`));
  const order = withTiebreaker(model, alias, items).join(', ');
  const from = join?.from ?? `${table(model)} AS ${quote(alias)}`;
  const source = distinct
    ? distinctRows(sql, model, alias, from, where as string[], order, distinct, list.cursor as Where | undefined)
    : `${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  const page = limitOffset(backwards ? -list.take! : list.take, list.skip, sql.dialect);
  if (!backwards) return jsonRows(sql.dialect, row, `FROM ${source} ORDER BY ${order}${page}`);
  // The page first (a top-N sort), then its JSON and its place: a window over all the rows would sort them all and
  // build every row's JSON before the LIMIT.
  const a = quote(alias);
  const limited = `SELECT ${a}.* FROM ${source} ORDER BY ${order}${page}`;
  const reversed = `SELECT ${jsonObject(sql.dialect, row)} AS j, row_number() OVER (ORDER BY ${order}) AS n FROM (${limited}) AS ${a}`;
  return jsonArray(sql.dialect, `SELECT r.j FROM (${reversed}) r ORDER BY r.n DESC`);
}

/** Prisma's reversal of an order for a negative take: every direction, and `nulls: first` ↔ `last`. */
function reverseOrder(order: unknown): unknown {
  const swap = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(swap);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'nulls' && (v === 'first' || v === 'last') ? (v === 'first' ? 'last' : 'first') : swap(v)]));
  };
  return swap(flipOrderBy(order));
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
 * key) order for these scans, in the order the statement runs (a negative
 * take's reversed one too); the compiled subqueries may walk another index,
 * so they break ties by the primary key ascending explicitly (the order
 * compileCursor assumes).
 */
function withTiebreaker(model: DmmfModel, alias: string, order: string[]): string[] {
  const ids = idFields(model).map((name) => column(alias, scalarField(model, name)));
  const named = (column: string) => order.some((item) => item === column || item.startsWith(`${column} `));
  return [...order, ...ids.filter((column) => !named(column)).map((column) => `${column} ASC`)];
}
