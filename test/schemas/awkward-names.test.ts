import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { appEnv, expectRestServed, expectValidSdl, ok, smokeModel } from './smoke-driver.ts';

const schemaPath = path.resolve(import.meta.dirname, '../fixtures/schemas/awkward-names.prisma');

describe.each(providers)('awkward-names fixture on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath, env: appEnv(provider) });
  });
  afterAll(() => t?.close());

  it('prints a valid SDL and serves it as REST too', async () => {
    expectValidSdl(t);
    await expectRestServed(t);
  });

  it('names lists of uncountable models with a List suffix (newsList, sheepList, dataList)', () => {
    const query = t.app.schema.getQueryType()!.getFields();
    const mutation = t.app.schema.getMutationType()!.getFields();
    for (const [single, list] of [['news', 'newsList'], ['sheep', 'sheepList'], ['data', 'dataList']]) {
      expect(query[single], single).toBeDefined();
      expect(query[list], list).toBeDefined();
      expect(query[`${list}Count`]).toBeDefined();
    }
    expect(mutation.createNews).toBeDefined();
    expect(mutation.createManyNewsList).toBeDefined();
    expect(mutation.deleteManySheepList).toBeDefined();
    // A lower-case model keeps its type name but reads naturally in mutations.
    expect(t.app.schema.getType('audit_log')).toBeDefined();
    expect(Object.keys(mutation).filter((name) => /audit_log/i.test(name))).toEqual([
      'createAudit_log', 'createManyAudit_logs', 'updateAudit_log', 'updateManyAudit_logs', 'upsertAudit_log', 'deleteAudit_log', 'deleteManyAudit_logs',
    ]);
  });

  it('keeps fields named type, order and count usable in filters, sorting and aggregates', async () => {
    await ok(t, 'mutation { createNews(data: { title: "a", type: VIDEO, order: 2, count: 5 }) { id } }');
    await ok(t, 'mutation { createNews(data: { title: "b", order: 1 }) { id } }');
    const data = await ok(
      t,
      `{
        newsList(where: { type: { equals: ARTICLE } }, orderBy: [{ order: desc }]) { title type order count }
        newsListAggregate { _count { _all type order count } _sum { order count } _max { type } }
        newsListGroupBy(by: [type], orderBy: [{ type: asc }]) { type _count { _all } _sum { count } }
      }`,
    );
    expect(data.newsList).toEqual([{ title: 'b', type: 'ARTICLE', order: 1, count: 0 }]);
    expect(data.newsListAggregate).toEqual({ _count: { _all: 2, type: 2, order: 2, count: 2 }, _sum: { order: 3, count: 5 }, _max: { type: 'VIDEO' } });
    expect(data.newsListGroupBy).toEqual([
      { type: 'ARTICLE', _count: { _all: 1 }, _sum: { count: 0 } },
      { type: 'VIDEO', _count: { _all: 1 }, _sum: { count: 5 } },
    ]);
    await ok(t, 'mutation { deleteManyNewsList { count } }');
  });

  it.each(['News', 'Sheep', 'Flock', 'Data', 'Singleton', 'audit_log'])('runs the CRUD smoke pass on %s', async (model) => {
    await smokeModel(t, model);
  });
});
