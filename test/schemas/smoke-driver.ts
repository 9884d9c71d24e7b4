/**
 * A generic CRUD smoke pass over any schema: for each model, builds a create
 * input from the datamodel alone, then reads, lists, counts, aggregates,
 * pages, groups, updates and deletes that row through the GraphQL API.
 */
import { buildSchema, getNamedType, type GraphQLSchema, isObjectType, printSchema, validateSchema } from 'graphql';
import { expect } from 'vitest';
import { type DmmfField, type DmmfModel, idFields, isOmitted, relationFields, scalarFields, uniqueKeys } from '../../src/schema/dmmf.ts';
import { names } from '../../src/schema/naming.ts';
import type { GraphQLResponse, TestApp } from '../support/test-app.ts';

type Row = Record<string, unknown>;

/** Per-model hand-written create data, when the generic one cannot do (merged over it). */
export type CreateOverrides = Record<string, (n: number) => Row>;

/** Config env for test apps: `STRATA_TEST_LOG=1` shows the server's error log (masked errors' causes). */
export const logEnv: Record<string, string> = process.env.STRATA_TEST_LOG ? { LOG_LEVEL: 'error' } : {};

let counter = 0;
const next = () => ++counter;

/** Throws with the GraphQL errors in the message, so a failing smoke step says why. */
export async function ok<T = any>(t: TestApp, query: string, variables?: Row): Promise<T> {
  const res: GraphQLResponse<T> = await t.gql<T>(query, variables);
  if (res.errors?.length) {
    const shown = JSON.stringify(variables) ?? '';
    throw new Error(`${res.errors.map((e) => `${e.message} [${e.extensions?.code}]`).join('\n')}\nin: ${query.slice(0, 600)}\nwith: ${shown.slice(0, 600)}`);
  }
  return res.data as T;
}

/** The printed SDL is valid and parses back into a valid schema. */
export function expectValidSdl(t: TestApp): string {
  expect(validateSchema(t.app.schema).map((e) => e.message)).toEqual([]);
  const sdl = printSchema(t.app.schema);
  expect(validateSchema(buildSchema(sdl)).map((e) => e.message)).toEqual([]);
  return sdl;
}

/** A fresh GraphQL input value for a scalar or enum field (lists get two items). */
export function sampleValue(t: TestApp, field: DmmfField, n = next()): unknown {
  const one = (i: number): unknown => {
    if (field.kind === 'enum') {
      const values = t.app.datamodel.enums.find((e) => e.name === field.type)!.values;
      return names.enumValue(values[i % values.length].name);
    }
    switch (field.type) {
      case 'String':
        return `${field.name}-${i}`;
      case 'Int':
        return i;
      case 'Float':
        return i + 0.5;
      case 'Boolean':
        return i % 2 === 0;
      case 'BigInt':
        return (9007199254740993n + BigInt(i)).toString();
      case 'Decimal':
        return `${i}.25`;
      case 'DateTime':
        return new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
      case 'Json':
        return { n: i, nested: [1, 'two', { three: true }], none: null };
      case 'Bytes':
        return Buffer.from([i % 256, 0, 255, 1]).toString('base64');
      default:
        throw new Error(`No sample value for ${field.type}`);
    }
  };
  return field.isList ? [one(n), one(n + 1)] : one(n);
}

/** Scalars that a relation of the model owns (foreign keys): they are written through the relation. */
const foreignKeys = (model: DmmfModel) => new Set(model.fields.flatMap((f) => f.relationFromFields ?? []));

/** The other side of a relation field. */
function opposite(t: TestApp, model: DmmfModel, field: DmmfField): DmmfField {
  const target = t.app.datamodel.model(field.type);
  return target.fields.find((f) => f.kind === 'object' && f.relationName === field.relationName && !(target.name === model.name && f.name === field.name))!;
}

/**
 * Create data for `model`: every writable scalar (ids only when they have no
 * default), and a nested `create` for every required relation it owns.
 * `without` is the relation a nested create comes through.
 */
export function createData(t: TestApp, model: DmmfModel, overrides: CreateOverrides = {}, without?: DmmfField): Row {
  const n = next();
  const fks = foreignKeys(model);
  const data: Row = {};
  for (const field of scalarFields(model)) {
    if (fks.has(field.name) || field.isUpdatedAt) continue;
    if (field.isId && field.hasDefaultValue) continue;
    data[field.name] = sampleValue(t, field, n);
  }
  for (const field of relationFields(model)) {
    if (field === without || field.isList || !field.isRequired) continue;
    const target = t.app.datamodel.model(field.type);
    data[field.name] = { create: createData(t, target, overrides, opposite(t, model, field)) };
  }
  return { ...data, ...overrides[model.name]?.(n) };
}

/** Selection of every scalar, plus a peek at each relation and `_count`. */
export function selection(model: DmmfModel): string {
  const parts = scalarFields(model).map((f) => f.name);
  for (const field of relationFields(model)) parts.push(field.isList ? `${field.name}(take: 1) { __typename }` : `${field.name} { __typename }`);
  if (relationFields(model).some((f) => f.isList)) parts.push(`_count { ${relationFields(model).filter((f) => f.isList).map((f) => f.name).join(' ')} }`);
  return `{ ${parts.join(' ')} }`;
}

/** Every field of an output type down to the leaves (no arguments needed), for aggregate types. */
export function leafSelection(schema: GraphQLSchema, typeName: string): string {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) return '';
  const parts = Object.values(type.getFields()).map((field) => {
    const named = getNamedType(field.type);
    return isObjectType(named) ? `${field.name} ${leafSelection(schema, named.name)}` : field.name;
  });
  return `{ ${parts.join(' ')} }`;
}

/** What the API returns for a value it was sent. */
function normalize(field: DmmfField, value: unknown): unknown {
  if (value == null) return value;
  if (field.isList) return (value as unknown[]).map((v) => normalize({ ...field, isList: false }, v));
  if (field.type === 'DateTime') return new Date(value as string).toISOString();
  if (field.type === 'Decimal') return String(Number(value));
  return value;
}

/** A where-unique value for `key` from a row the API returned. */
function uniqueWhereOf(model: DmmfModel, key: { name: string; fields: string[] }, row: Row): Row {
  if (key.fields.length === 1) return { [key.name]: row[key.fields[0]] };
  return { [key.name]: Object.fromEntries(key.fields.map((f) => [f, row[f]])) };
}

const primaryKey = (model: DmmfModel) => {
  const fields = idFields(model);
  return uniqueKeys(model).find((k) => k.fields.join() === fields.join())!;
};

/** The scalar an update changes: a plain non-key field when there is one, else the id itself. */
function updatableField(model: DmmfModel): DmmfField {
  const fks = foreignKeys(model);
  const keyFields = new Set(uniqueKeys(model).flatMap((k) => k.fields));
  const candidates = scalarFields(model).filter((f) => !fks.has(f.name) && !f.isUpdatedAt && !isOmitted(f));
  return candidates.find((f) => !keyFields.has(f.name)) ?? candidates.find((f) => !f.isList)!;
}

/**
 * Runs the whole smoke pass on one model: create, read back by every unique
 * key, list with a where, count, aggregate, connection, groupBy, update one
 * scalar, delete. Checks that each value comes back as it was sent.
 */
export async function smokeModel(t: TestApp, modelName: string, overrides: CreateOverrides = {}): Promise<void> {
  const model = t.app.datamodel.model(modelName);
  const m = model.name;
  const sel = selection(model);
  const data = createData(t, model, overrides);

  const created = (await ok(t, `mutation($data: ${names.create(m)}!) { ${names.createOne(m)}(data: $data) ${sel} }`, { data }))[names.createOne(m)];
  for (const field of scalarFields(model)) {
    if (field.name in data) {
      expect(normalize(field, created[field.name]), `${m}.${field.name}`).toEqual(normalize(field, data[field.name]));
    }
    if (field.isRequired && !field.isList) expect(created[field.name], `${m}.${field.name} is required`).not.toBeNull();
  }

  for (const key of uniqueKeys(model)) {
    if (key.fields.some((f) => created[f] == null)) continue; // an unset optional unique (a free foreign key) selects nothing
    const where = uniqueWhereOf(model, key, created);
    const read = await ok(t, `query($where: ${names.whereUnique(m)}!) { ${names.findUnique(m)}(where: $where) ${sel} }`, { where });
    expect(read[names.findUnique(m)], `${m} by ${key.name}`).toEqual(created);
  }

  const pk = primaryKey(model);
  const idWhere = uniqueWhereOf(model, pk, created);
  const listWhere = { AND: pk.fields.map((f) => ({ [f]: { equals: created[f] } })) };
  const fieldEnum = pk.fields[0];
  const reads = await ok(
    t,
    `query($where: ${names.where(m)}) {
      list: ${names.findMany(m)}(where: $where, take: 5) ${sel}
      count: ${names.count(m)}(where: $where)
      aggregate: ${names.aggregate(m)}(where: $where) ${leafSelection(t.app.schema, names.aggregateType(m))}
      connection: ${names.connection(m)}(where: $where, first: 1) { totalCount edges { cursor node { __typename } } pageInfo { hasNextPage } }
      groups: ${names.groupBy(m)}(by: [${fieldEnum}], where: $where, having: { ${fieldEnum}: { _count: { gte: 1 } } }) ${leafSelection(t.app.schema, names.groupByType(m))}
    }`,
    { where: listWhere },
  );
  expect(reads.list).toEqual([created]);
  expect(reads.count).toBe(1);
  expect(reads.aggregate._count._all).toBe(1);
  expect(reads.connection.totalCount).toBe(1);
  expect(reads.connection.edges).toHaveLength(1);
  expect(reads.connection.pageInfo.hasNextPage).toBe(false);
  expect(reads.groups).toHaveLength(1);
  expect(reads.groups[0]._count._all).toBe(1);
  expect(reads.groups[0][fieldEnum]).toEqual(created[fieldEnum]);

  // Every scalar filters by equality (and `in` where it has it) and sorts, on every type.
  const checks = scalarFields(model).filter((f) => !f.isList && created[f.name] != null);
  const variables: Row = {};
  const fields: string[] = [];
  checks.forEach((f, i) => {
    variables[`eq${i}`] = { AND: [listWhere, { [f.name]: { equals: created[f.name] } }] };
    fields.push(`eq${i}: ${names.count(m)}(where: $eq${i})`);
    if (f.type !== 'Json' && f.type !== 'Boolean') {
      variables[`in${i}`] = { AND: [listWhere, { [f.name]: { in: [created[f.name]] } }] };
      fields.push(`in${i}: ${names.count(m)}(where: $in${i})`);
    }
    if (f.type !== 'Json' && f.type !== 'Bytes') fields.push(`sort${i}: ${names.findMany(m)}(where: $eq${i}, orderBy: [{ ${f.name}: desc }]) { __typename }`);
  });
  // In chunks: the default query limits allow 30 aliases per operation.
  for (let start = 0; start < fields.length; start += 25) {
    const chunk = fields.slice(start, start + 25);
    const used = Object.keys(variables).filter((v) => chunk.some((f) => f.includes(`$${v})`) || f.includes(`$${v},`)));
    const decl = used.map((v) => `$${v}: ${names.where(m)}`).join(', ');
    const filtered = await ok(t, `query(${decl}) { ${chunk.join('\n')} }`, Object.fromEntries(used.map((v) => [v, variables[v]])));
    for (const [alias, value] of Object.entries(filtered)) {
      const field = checks[Number(alias.replace(/\D/g, ''))];
      expect(Array.isArray(value) ? value.length : value, `${alias} on ${m}.${field.name}`).toBe(1);
    }
  }

  const field = updatableField(model);
  const value = sampleValue(t, field);
  const updated = (
    await ok(t, `mutation($where: ${names.whereUnique(m)}!, $data: ${names.update(m)}!) { ${names.updateOne(m)}(where: $where, data: $data) ${sel} }`, {
      where: idWhere,
      data: { [field.name]: value },
    })
  )[names.updateOne(m)];
  expect(normalize(field, updated[field.name]), `updated ${m}.${field.name}`).toEqual(normalize(field, value));

  const afterWhere = uniqueWhereOf(model, pk, updated);
  const deleted = (await ok(t, `mutation($where: ${names.whereUnique(m)}!) { ${names.deleteOne(m)}(where: $where) ${sel} }`, { where: afterWhere }))[
    names.deleteOne(m)
  ];
  expect(deleted).toEqual(updated);
  const gone = await ok(t, `query($where: ${names.whereUnique(m)}!) { ${names.findUnique(m)}(where: $where) { __typename } }`, { where: afterWhere });
  expect(gone[names.findUnique(m)]).toBeNull();
}
