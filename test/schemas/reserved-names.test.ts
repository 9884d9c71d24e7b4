import path from 'node:path';
import { getNamedType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { appEnv, expectRestServed, expectValidSdl, ok, smokeModel } from './smoke-driver.ts';

const schemaPath = path.resolve(import.meta.dirname, '../fixtures/schemas/reserved-names.prisma');

describe.each(providers)('reserved-names fixture on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath, env: appEnv(provider) });
  });
  afterAll(() => t?.close());

  it('prints a valid SDL and serves it as REST too', async () => {
    expectValidSdl(t);
    await expectRestServed(t);
  });

  it('renames types GraphQL or Strata own (QueryModel, SortOrderEnum) and keeps operation names', () => {
    const schema = t.app.schema;
    expect(schema.getQueryType()!.name).toBe('Query');
    for (const name of ['QueryModel', 'MutationModel', 'SubscriptionModel', 'PageInfoModel', 'SortOrderEnum', 'Upload', 'ImageFormat']) expect(schema.getType(name), name).toBeDefined();
    expect((schema.getType('SortOrder') as any).getValues().map((v: any) => v.name)).toEqual(['asc', 'desc']);
    expect((schema.getType('Flag') as any).getValues().map((v: any) => v.name)).toEqual(['true_', 'false_', 'null_']);
    const query = schema.getQueryType()!.getFields();
    expect(query.query.type.toString()).toBe('QueryModel');
    expect(query.subscriptions.type.toString()).toBe('[SubscriptionModel!]!');
    expect(schema.getMutationType()!.getFields().createSubscription).toBeDefined();
  });

  // Fails while src/realtime/schema/define-subscriptions.ts types `node` with the model's name (a string ref
  // that finds the root type `Subscription`) instead of the model's ref; turn into `it` once that is fixed.
  it('never types an object field with a root operation type (SubscriptionChange.node is SubscriptionModel)', () => {
    const schema = t.app.schema;
    const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((r) => r!.name));
    const misuses: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (roots.has(getNamedType(field.type).name)) misuses.push(`${type.name}.${field.name}: ${field.type}`);
      }
    }
    expect(misuses).toEqual([]);
  });

  it('stores the Prisma value of a renamed enum value and filters and groups by it', async () => {
    const created = await ok(
      t,
      'mutation { createQuery(data: { text: "q", order: desc, flag: true_, runs: { create: [{ gene: "BRCA1" }] } }) { id order flag runs { gene query { text } } } }',
    );
    expect(created.createQuery).toMatchObject({ order: 'desc', flag: 'true_', runs: [{ gene: 'BRCA1', query: { text: 'q' } }] });
    const row = await t.prisma.query.findUnique({ where: { id: created.createQuery.id } });
    expect(row.flag).toBe('true');
    const read = await ok(
      t,
      `{
        queries(where: { flag: { in: [true_, null_] }, order: { equals: desc } }, orderBy: [{ order: asc }]) { text flag }
        queriesGroupBy(by: [flag]) { flag _count { _all } }
        queriesConnection(first: 1) { edges { node { text } } }
      }`,
    );
    expect(read).toEqual({
      queries: [{ text: 'q', flag: 'true_' }],
      queriesGroupBy: [{ flag: 'true_', _count: { _all: 1 } }],
      queriesConnection: { edges: [{ node: { text: 'q' } }] },
    });
    await ok(t, 'mutation { deleteManyQueries { count } deleteManyMutations { count } }');
  });

  it.each(['Query', 'Subscription', 'Mutation', 'PageInfo', 'Upload'])('runs the CRUD smoke pass on %s', async (model) => {
    await smokeModel(t, model);
  });
});
