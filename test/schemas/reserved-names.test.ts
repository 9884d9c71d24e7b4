import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { expectValidSdl, logEnv, ok, smokeModel } from './smoke-driver.ts';

const schemaPath = path.resolve(import.meta.dirname, '../fixtures/schemas/reserved-names.prisma');

describe.each(providers)('reserved-names fixture on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath, env: logEnv });
  });
  afterAll(() => t?.close());

  it('prints a valid SDL', () => {
    expectValidSdl(t);
  });

  it('renames types GraphQL or Strata own (QueryModel, SortOrderEnum) and keeps operation names', () => {
    const schema = t.app.schema;
    expect(schema.getQueryType()!.name).toBe('Query');
    for (const name of ['QueryModel', 'MutationModel', 'SubscriptionModel', 'PageInfoModel', 'SortOrderEnum']) expect(schema.getType(name), name).toBeDefined();
    expect((schema.getType('SortOrder') as any).getValues().map((v: any) => v.name)).toEqual(['asc', 'desc']);
    expect((schema.getType('Flag') as any).getValues().map((v: any) => v.name)).toEqual(['true_', 'false_', 'null_']);
    const query = schema.getQueryType()!.getFields();
    expect(query.query.type.toString()).toBe('QueryModel');
    expect(query.subscriptions.type.toString()).toBe('[SubscriptionModel!]!');
    expect(schema.getMutationType()!.getFields().createSubscription).toBeDefined();
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

  it.each(['Query', 'Subscription', 'Mutation', 'PageInfo'])('runs the CRUD smoke pass on %s', async (model) => {
    await smokeModel(t, model);
  });
});
