/**
 * A generic CRUD smoke pass over any schema: for each model, builds a create
 * input from the datamodel alone, then reads, lists, counts, aggregates,
 * pages, groups, filters, updates, upserts and deletes that row through the
 * GraphQL API, plus the batch mutations.
 */
import { buildSchema, printSchema, validateSchema } from 'graphql';
import { expect } from 'vitest';
import { type DmmfField, type DmmfModel, idFields, isOmitted, relationFields, scalarFields, uniqueKeys } from '../../src/base/datamodel.ts';
import { names } from '../../src/base/naming.ts';
import type { GraphQLResponse, TestApp } from '../support/test-app.ts';
import { type CreateOverrides, createData, foreignKeys, leafSelection, normalize, type Row, sampleValue, selection } from './sample-data.ts';

export type { CreateOverrides } from './sample-data.ts';

/** Config env for test apps: `STRATA_TEST_LOG=1` shows the server's error log (masked errors' causes). */
export const logEnv: Record<string, string> = process.env.STRATA_TEST_LOG ? { LOG_LEVEL: 'error' } : {};

/**
 * Config env of a fixture's app on `provider`. The REST layer (sofa) is built
 * from the whole schema on every app start, seconds for a big fixture: it is
 * checked on SQLite and left out on PostgreSQL, whose schema differs only in
 * provider features.
 */
export const appEnv = (provider: string): Record<string, string> => ({ ...logEnv, ...(provider === 'postgresql' ? { STRATA_REST: 'false' } : {}) });

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

/** When the app serves REST, its OpenAPI document lists the generated operations. */
export async function expectRestServed(t: TestApp): Promise<void> {
  if (!t.app.config.functions.rest) return;
  const response = await t.app.yoga.fetch('http://127.0.0.1/rest/openapi.json');
  expect(response.status).toBe(200);
  const doc = (await response.json()) as { paths?: Record<string, unknown> };
  expect(Object.keys(doc.paths ?? {}).length).toBeGreaterThan(0);
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
function updatableField(model: DmmfModel): DmmfField | undefined {
  const fks = foreignKeys(model);
  const keyFields = new Set(uniqueKeys(model).flatMap((k) => k.fields));
  const candidates = scalarFields(model).filter((f) => !fks.has(f.name) && !f.isUpdatedAt && !isOmitted(f));
  return candidates.find((f) => !keyFields.has(f.name)) ?? candidates.find((f) => !f.isList);
}

/** What each step of a smoke pass needs: the model, its selection, and the row under test. */
interface Step {
  t: TestApp;
  model: DmmfModel;
  m: string;
  sel: string;
  overrides: CreateOverrides;
}

/**
 * Runs the whole smoke pass on one model: create, read back by every unique
 * key, list with a where, count, aggregate, connection, groupBy with having,
 * filter and sort by every scalar, update one scalar, upsert, the batch
 * mutations, delete. Checks that each value comes back as it was sent.
 */
export async function smokeModel(t: TestApp, modelName: string, overrides: CreateOverrides = {}): Promise<void> {
  const model = t.app.datamodel.model(modelName);
  const step: Step = { t, model, m: model.name, sel: selection(model), overrides };
  const created = await createStep(step);
  await readByEveryKey(step, created);
  await readLists(step, created);
  await filterAndSortByEveryScalar(step, created);
  const field = updatableField(model);
  const changed = await updateAndUpsert(step, created, field);
  await smokeBatch(t, model, overrides, field);
  await deleteStep(step, changed);
}

async function createStep({ t, model, m, sel, overrides }: Step): Promise<Row> {
  const data = createData(t, model, overrides);
  const created = (await ok(t, `mutation($data: ${names.create(m)}!) { ${names.createOne(m)}(data: $data) ${sel} }`, { data }))[names.createOne(m)];
  for (const field of scalarFields(model)) {
    if (field.name in data) expect(normalize(field, created[field.name]), `${m}.${field.name}`).toEqual(normalize(field, data[field.name]));
    if (field.isRequired && !field.isList) expect(created[field.name], `${m}.${field.name} is required`).not.toBeNull();
  }
  return created;
}

async function readByEveryKey({ t, model, m, sel }: Step, created: Row): Promise<void> {
  for (const key of uniqueKeys(model)) {
    if (key.fields.some((f) => created[f] == null)) continue; // an unset optional unique (a free foreign key) selects nothing
    const where = uniqueWhereOf(model, key, created);
    const read = await ok(t, `query($where: ${names.whereUnique(m)}!) { ${names.findUnique(m)}(where: $where) ${sel} }`, { where });
    expect(read[names.findUnique(m)], `${m} by ${key.name}`).toEqual(created);
  }
}

/** Matches the created row alone, by its primary key. */
const onlyRow = (model: DmmfModel, row: Row) => ({ AND: primaryKey(model).fields.map((f) => ({ [f]: { equals: row[f] } })) });

async function readLists({ t, model, m, sel }: Step, created: Row): Promise<void> {
  const by = primaryKey(model).fields[0];
  const reads = await ok(
    t,
    `query($where: ${names.where(m)}) {
      list: ${names.findMany(m)}(where: $where, take: 5) ${sel}
      count: ${names.count(m)}(where: $where)
      aggregate: ${names.aggregate(m)}(where: $where) ${leafSelection(t.app.schema, names.aggregateType(m))}
      connection: ${names.connection(m)}(where: $where, first: 1) { totalCount edges { cursor node { __typename } } pageInfo { hasNextPage } }
      groups: ${names.groupBy(m)}(by: [${by}], where: $where, having: { ${by}: { _count: { gte: 1 } } }) ${leafSelection(t.app.schema, names.groupByType(m))}
    }`,
    { where: onlyRow(model, created) },
  );
  expect(reads.list).toEqual([created]);
  expect(reads.count).toBe(1);
  expect(reads.aggregate._count._all).toBe(1);
  expect(reads.connection.totalCount).toBe(1);
  expect(reads.connection.edges).toHaveLength(1);
  expect(reads.connection.pageInfo.hasNextPage).toBe(false);
  expect(reads.groups).toHaveLength(1);
  expect(reads.groups[0]._count._all).toBe(1);
  expect(reads.groups[0][by]).toEqual(created[by]);
}

/** Every scalar filters by equality (and `in` where it has it) and sorts, on every type. */
async function filterAndSortByEveryScalar({ t, model, m }: Step, created: Row): Promise<void> {
  const checks = scalarFields(model).filter((f) => !f.isList && created[f.name] != null);
  const variables: Row = {};
  const fields: string[] = [];
  checks.forEach((f, i) => {
    variables[`eq${i}`] = { AND: [onlyRow(model, created), { [f.name]: { equals: created[f.name] } }] };
    fields.push(`eq${i}: ${names.count(m)}(where: $eq${i})`);
    if (f.type !== 'Json' && f.type !== 'Boolean') {
      variables[`in${i}`] = { AND: [onlyRow(model, created), { [f.name]: { in: [created[f.name]] } }] };
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
}

/** Updates one scalar, then upserts the same row (the update path; the create branch must still validate). */
async function updateAndUpsert({ t, model, m, sel, overrides }: Step, created: Row, field: DmmfField | undefined): Promise<Row> {
  // A row that is only keys and foreign keys has nothing plain to change: it is updated with `{}`.
  const change = (): Row => (field ? { [field.name]: sampleValue(t, field) } : {});
  const expectChanged = (row: Row, sent: Row, what: string) => {
    if (field) expect(normalize(field, row[field.name]), `${what} ${m}.${field.name}`).toEqual(normalize(field, sent[field.name]));
  };
  const pk = primaryKey(model);
  const first = change();
  const updated = (
    await ok(t, `mutation($where: ${names.whereUnique(m)}!, $data: ${names.update(m)}!) { ${names.updateOne(m)}(where: $where, data: $data) ${sel} }`, {
      where: uniqueWhereOf(model, pk, created),
      data: first,
    })
  )[names.updateOne(m)];
  expectChanged(updated, first, 'updated');
  const again = change();
  const upserted = (
    await ok(
      t,
      `mutation($where: ${names.whereUnique(m)}!, $create: ${names.create(m)}!, $update: ${names.update(m)}!) { ${names.upsertOne(m)}(where: $where, create: $create, update: $update) ${sel} }`,
      { where: uniqueWhereOf(model, pk, updated), create: createData(t, model, overrides), update: again },
    )
  )[names.upsertOne(m)];
  expectChanged(upserted, again, 'upserted');
  return upserted;
}

async function deleteStep({ t, model, m, sel }: Step, row: Row): Promise<void> {
  const where = uniqueWhereOf(model, primaryKey(model), row);
  const deleted = (await ok(t, `mutation($where: ${names.whereUnique(m)}!) { ${names.deleteOne(m)}(where: $where) ${sel} }`, { where }))[names.deleteOne(m)];
  expect(deleted).toEqual(row);
  const gone = await ok(t, `query($where: ${names.whereUnique(m)}!) { ${names.findUnique(m)}(where: $where) { __typename } }`, { where });
  expect(gone[names.findUnique(m)]).toBeNull();
}

/**
 * createMany (with skipDuplicates), updateMany and deleteMany over two fresh
 * rows, for models that need no parent row and have a String column to find
 * those rows by.
 */
async function smokeBatch(t: TestApp, model: DmmfModel, overrides: CreateOverrides, field: DmmfField | undefined): Promise<void> {
  const m = model.name;
  if (!field || relationFields(model).some((f) => !f.isList && f.isRequired)) return;
  const rows = [createData(t, model, overrides), createData(t, model, overrides)];
  const marker = scalarFields(model).find((f) => f.type === 'String' && !f.isList && f.name !== field.name && f.name in rows[0] && rows[0][f.name] !== rows[1][f.name]);
  if (!marker) return;
  const where = { [marker.name]: { in: rows.map((r) => r[marker.name]) } };
  const created = await ok(t, `mutation($data: [${names.createManyInput(m)}!]!) { n: ${names.createMany(m)}(data: $data, skipDuplicates: true) { count } }`, { data: rows });
  expect(created.n.count, `${names.createMany(m)} count`).toBe(2);
  const keyFields = new Set(uniqueKeys(model).flatMap((k) => k.fields));
  if (!keyFields.has(field.name)) {
    const updated = await ok(t, `mutation($where: ${names.where(m)}, $data: ${names.updateManyInput(m)}!) { n: ${names.updateMany(m)}(where: $where, data: $data) { count } }`, {
      where,
      data: { [field.name]: sampleValue(t, field) },
    });
    expect(updated.n.count, `${names.updateMany(m)} count`).toBe(2);
  }
  const deleted = await ok(t, `mutation($where: ${names.where(m)}) { n: ${names.deleteMany(m)}(where: $where) { count } }`, { where });
  expect(deleted.n.count, `${names.deleteMany(m)} count`).toBe(2);
}
