import type { FieldNode, GraphQLObjectType } from 'graphql';
import { flipOrderBy } from '../schema/flip-order-by.ts';
import { getNamedType, isObjectType } from 'graphql';
import { badInput } from '../base/errors.ts';
import { and } from '../permissions/policy.ts';
import type { DmmfField, DmmfModel } from '../base/datamodel.ts';
import { Decimal } from '@prisma/client/runtime/client';
import { names } from '../base/naming.ts';
import { scalarJson } from './sql/scalar-json.ts';
import { idFields, idWhere } from '../base/datamodel.ts';
import { decodeCursor, encodeCursor } from '../schema/cursor.ts';
import { plainUnique } from '../base/datamodel.ts';
import { compileCursor } from './sql/compile-cursor.ts';
import { pageSize } from '../schema/generator.ts';
import { readableOrThrow, secureWhere } from '../schema/secure/secure-args.ts';
import { checkOrderBy } from '../schema/secure/unreadable-fields.ts';
import { type CompileState, collectFields } from './compile-state.ts';
import { compileObject } from './compile-object.ts';
import { jsonObject, type JsonPair, jsonRows } from './json-sql.ts';
import { column, scalarField, table } from './sql/columns.ts';
import { unsupported } from './unsupported.ts';
import { compileOrderBy } from './sql/compile-order-by.ts';
import { compileWhere } from './sql/compile-where.ts';


/** A compiled root field: its statement and how its JSON becomes the field's value. */
export interface CompiledRoot {
  sql: string;
  finish?: (value: any) => unknown;
}

/**
 * `postsConnection` as resolveConnection answers it: the page (one
 * row more than asked, to tell whether there is more) and, when asked, the
 * total count, in one statement; cursors are encoded from the primary key
 * values the statement returns, and the edges and pageInfo assembled in the
 * selection's order.
 */
export function compileConnection(state: CompileState, model: DmmfModel, args: Record<string, any>, type: GraphQLObjectType, node: FieldNode): CompiledRoot {
  const { gen, ctx, sql } = state;
  if (args.first != null && args.last != null) throw badInput('Pass either first or last, not both');
  // Prisma takes one cursor: a cursor of the other direction would be silently ignored.
  const forward = args.first != null || args.after != null;
  if ((forward && args.before != null) || (args.after != null && args.last != null)) {
    throw badInput('Page forward with first/after or backward with last/before, not both');
  }
  const orderBy = gen.registry.toPrisma(args.orderBy, gen.filters.orderBy(model)) as unknown[] | undefined;
  checkOrderBy(gen, ctx, model, orderBy);
  const where = and(secureWhere(gen, ctx, model, gen.registry.toPrisma(args.where, gen.filters.where(model))), readableOrThrow(gen, ctx, model));
  const backward = args.last != null || (args.before != null && args.first == null);
  const size = pageSize(gen.limits, backward ? 'last' : 'first', backward ? args.last : args.first);
  const cursor: string | null | undefined = backward ? args.before : args.after;
  const ids = idFields(model);
  const order = [...(orderBy ?? []), ...ids.map((f) => ({ [f]: 'asc' }))];
  const idFieldsOf = ids.map((f) => scalarField(model, f));

  const fields = collectFields(state, type, node.selectionSet!);
  const edgeType = getNamedType(type.getFields().edges.type) as GraphQLObjectType;
  const nodeType = getNamedType(edgeType.getFields().node.type);
  // Every `node` under every `edges` key (aliases may name several), each built as its own key `n<i>` of the row.
  const nodes = new Map<string, string>();
  const alias = sql.alias();
  const pairs: JsonPair[] = [{ key: 'k', value: jsonObject(sql.dialect, idFieldsOf.map((f) => ({ key: f.name, value: scalarJson(sql, f, column(alias, f)) }))), json: true }];
  for (const [edgesKey, field] of fields) {
    if (field.name.value !== 'edges') continue;
    for (const [nodeKey, inner] of collectFields(state, edgeType, field.selectionSet!)) {
      if (inner.name.value !== 'node') continue;
      if (!isObjectType(nodeType)) unsupported('a node that is not an object');
      nodes.set(`${edgesKey}\0${nodeKey}`, `n${nodes.size}`);
      pairs.push({ key: `n${nodes.size - 1}`, value: compileObject(state, model, nodeType, alias, inner.selectionSet), json: true });
    }
  }
  const conditions = [compileWhere(sql, model, alias, where)];
  const pageOrder = backward ? flipOrderBy(order) : order;
  if (cursor != null) {
    // The cursor names a row by its primary key; Prisma looks it up in the whole table and skips it. A row
    // that is gone or hidden from the viewer gives an empty page, as in resolveConnection.
    const values = decodeCursor(cursor);
    // A cursor this API did not write (a key missing, null or of another type): Prisma refuses it, the general path answers.
    if (!idFieldsOf.every((f) => isKeyValue(state, f, values[f.name]))) unsupported('a cursor holding no key of this model');
    const at = plainUnique(model, idWhere(model, values));
    const probe = sql.alias();
    const visible = compileWhere(sql, model, probe, and(at, readableOrThrow(gen, ctx, model)));
    conditions.push(`EXISTS (SELECT 1 FROM ${table(model)} ${probe}${visible ? ` WHERE ${visible}` : ''})`);
    conditions.push(compileCursor(sql, model, alias, at, pageOrder, false, { scope: (row) => compileWhere(sql, model, row, where) }));
  }
  const condition = conditions.filter(Boolean).join(' AND ');
  const orderItems = compileOrderBy(sql, model, alias, pageOrder);
  const rows = jsonRows(
    sql.dialect,
    pairs,
    `FROM ${table(model)} ${alias}${condition ? ` WHERE ${condition}` : ''}` +
      `${orderItems.length ? ` ORDER BY ${orderItems.join(', ')}` : ''} LIMIT ${sql.params.add(size + 1)}${cursor != null ? ` OFFSET ${sql.params.add(1)}` : ''}`,
  );
  const wantsCount = [...fields.values()].some((f) => f.name.value === 'totalCount');
  let count = 'NULL';
  if (wantsCount) {
    const countAlias = sql.alias();
    const countWhere = compileWhere(sql, model, countAlias, where);
    count = `(SELECT count(*) FROM ${table(model)} ${countAlias}${countWhere ? ` WHERE ${countWhere}` : ''})`;
  }
  const statement = jsonObject(sql.dialect, [
    { key: 'rows', value: rows, json: true },
    { key: 'count', value: count },
  ]);
  // The response's shape, resolved now: a cached plan keeps these lists, not the request that compiled it.
  const shape = [...fields].map(([key, field]): Slot => {
    const name = field.name.value;
    const inner = name === 'edges' ? edgeType : name === 'pageInfo' ? (getNamedType(type.getFields().pageInfo.type) as GraphQLObjectType) : undefined;
    return { key, name, keys: inner ? keysOf(state, inner, field, (nodeKey) => nodes.get(`${key}\0${nodeKey}`)) : [] };
  });
  const flags = { after: args.after != null, before: args.before != null };
  const key = keyValues(state, idFieldsOf);
  return { sql: statement, finish: (value) => assemble(type.name, shape, value, size, backward, flags, key) };
}

/**
 * The primary key values as Prisma returns them (what resolveConnection
 * encodes into a cursor) from their response encoding in the statement:
 * BigInt, DateTime, Decimal and Bytes back to their JavaScript types, an enum value
 * from its GraphQL name to its Prisma name.
 */
function keyValues(state: CompileState, fields: DmmfField[]): (k: Record<string, unknown>) => Record<string, unknown> {
  const decode = fields.map((field): [string, (v: unknown) => unknown] => {
    if (field.kind === 'enum') {
      const values = state.gen.datamodel.enums.find((e) => e.name === field.type)?.values ?? [];
      const byName = new Map(values.map((v) => [names.enumValue(v.name), v.name]));
      return [field.name, (v) => byName.get(v as string) ?? v];
    }
    if (field.type === 'BigInt') return [field.name, (v) => BigInt(v as string)];
    if (field.type === 'DateTime') return [field.name, (v) => new Date(v as string)];
    if (field.type === 'Bytes') return [field.name, (v) => new Uint8Array(Buffer.from(v as string, 'base64'))];
    // Prisma's own Decimal class (the generated client's comes from the same runtime): the cursor encodes its text.
    if (field.type === 'Decimal') return [field.name, (v) => new Decimal(v as string)];
    return [field.name, (v) => v];
  });
  return (k) => Object.fromEntries(decode.map(([name, fn]) => [name, k[name] === null ? null : fn(k[name])]));
}

/** Whether `value` is a primary key value of `field` as a cursor of this API holds it (see encodeCursor). */
function isKeyValue(state: CompileState, field: DmmfField, value: unknown): boolean {
  if (field.kind === 'enum') return state.gen.datamodel.enums.find((e) => e.name === field.type)?.values.some((v) => v.name === value) ?? false;
  switch (field.type) {
    case 'Int':
      return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31;
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'String':
      return typeof value === 'string';
    case 'BigInt':
      return typeof value === 'bigint';
    case 'DateTime':
      return value instanceof Date && !Number.isNaN(value.getTime());
    case 'Decimal':
      return typeof value === 'string' && /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value);
    case 'Bytes':
      return value instanceof Uint8Array;
    default:
      return false;
  }
}

/** One response key of the connection: its field and, for edges and pageInfo, their own keys and fields (`n<i>` for a node). */
interface Slot {
  key: string;
  name: string;
  keys: [key: string, name: string][];
}

function keysOf(state: CompileState, type: GraphQLObjectType, node: FieldNode, nodeOf: (key: string) => string | undefined): [string, string][] {
  return [...collectFields(state, type, node.selectionSet!)].map(([key, field]) => [key, field.name.value === '__typename' ? `__typename:${type.name}` : field.name.value === 'node' ? nodeOf(key)! : field.name.value]);
}

function assemble(
  typeName: string,
  shape: Slot[],
  value: { rows: ({ k: Record<string, unknown> } & Record<string, unknown>)[]; count: number | null },
  size: number,
  backward: boolean,
  cursors: { after: boolean; before: boolean },
  key: (k: Record<string, unknown>) => Record<string, unknown>,
) {
  const page = value.rows.slice(0, size);
  const hasMore = value.rows.length > size;
  if (backward) page.reverse();
  const edges = page.map((row) => ({ ...row, cursor: encodeCursor(key(row.k)) }));
  const pageInfo = {
    hasNextPage: backward ? cursors.before : hasMore,
    hasPreviousPage: backward ? hasMore : cursors.after,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  };
  const out: Record<string, unknown> = {};
  for (const { key, name, keys } of shape) {
    if (name === '__typename') out[key] = typeName;
    else if (name === 'totalCount') out[key] = Number(value.count);
    else if (name === 'pageInfo') out[key] = pick(keys, pageInfo);
    else if (name === 'edges') out[key] = edges.map((edge) => pick(keys, edge));
  }
  return out;
}

/** A plain object's fields in the selection's order, under their response keys. */
function pick(keys: [string, string][], source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, name] of keys) out[key] = name.startsWith('__typename:') ? name.slice('__typename:'.length) : source[name];
  return out;
}
