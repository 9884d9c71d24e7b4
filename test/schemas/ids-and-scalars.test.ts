import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { appEnv, expectRestServed, expectValidSdl, ok, smokeModel } from './smoke-driver.ts';

const schemaPath = path.resolve(import.meta.dirname, '../fixtures/schemas/ids-and-scalars.prisma');

describe.each(providers)('ids-and-scalars fixture on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath, env: appEnv(provider) });
  });
  afterAll(() => t?.close());

  it('prints a valid SDL and serves it as REST too', async () => {
    expectValidSdl(t);
    await expectRestServed(t);
  });

  it('filters Json by value with equals and not (not takes a value, as in Prisma), and by database NULL', async () => {
    await ok(
      t,
      `mutation {
        a: createEverything(data: { label: "json-a", blob: "AQID", doc: { a: 1 }, mood: SAD }) { id }
        b: createEverything(data: { label: "json-b", blob: "AQID", doc: { a: 2 }, docOpt: [1], mood: SAD }) { id }
      }`,
    );
    const labels = async (where: Record<string, unknown>) =>
      (await ok(t, 'query($where: EverythingWhereInput) { everythings(where: $where, orderBy: [{ label: asc }]) { label } }', { where })).everythings.map(
        (e: { label: string }) => e.label,
      );
    const mine = { label: { startsWith: 'json-' } };
    expect(await labels({ ...mine, doc: { equals: { a: 1 } } })).toEqual(['json-a']);
    expect(await labels({ ...mine, doc: { not: { a: 1 } } })).toEqual(['json-b']);
    expect(await labels({ ...mine, docOpt: { equals: null } })).toEqual(['json-a']);
    expect(await labels({ ...mine, docOpt: { not: null } })).toEqual(['json-b']);
    await ok(t, 'mutation { deleteManyEverythings(where: { label: { startsWith: "json-" } }) { count } }');
  });

  it('aggregates every scalar type, without _min/_max over Booleans (PostgreSQL has none)', async () => {
    const aggregate = t.app.schema.getType('EverythingMinAggregate') as any;
    expect(Object.keys(aggregate.getFields())).not.toContain('flag');
    expect(Object.keys(aggregate.getFields())).toEqual(expect.arrayContaining(['label', 'int', 'float', 'big', 'money', 'at', 'mood']));
  });

  it.each(['Everything', 'Token', 'Pairing', 'Diary', 'Stamp'])('runs the CRUD smoke pass on %s', async (model) => {
    await smokeModel(t, model);
  });
});
