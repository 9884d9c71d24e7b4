import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { expectValidSdl, logEnv, ok, smokeModel } from './smoke-driver.ts';

const schemaPath = path.resolve(import.meta.dirname, '../fixtures/schemas/scalar-lists.prisma');

// SQLite has no scalar lists: Prisma rejects the schema there.
describe.runIf(providers.includes('postgresql'))('scalar-lists fixture on postgresql', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('postgresql', { schemaPath, env: logEnv });
  });
  afterAll(() => t?.close());

  it('prints a valid SDL', () => {
    expectValidSdl(t);
  });

  it('runs the CRUD smoke pass on Bag', async () => {
    await smokeModel(t, 'Bag');
  });

  it('reads and writes scalar lists of every type, and replaces them on update (plain set; no push yet)', async () => {
    const created = await ok(
      t,
      `mutation {
        createBag(data: {
          name: "b1", tags: ["x", "y"], scores: [3, 1, 2], weights: [0.5], colors: [RED, BLUE],
          stamps: ["2024-05-01T12:00:00.000Z"]
        }) { id name tags scores weights colors stamps flags }
      }`,
    );
    expect(created.createBag).toMatchObject({
      tags: ['x', 'y'], scores: [3, 1, 2], weights: [0.5], colors: ['RED', 'BLUE'], stamps: ['2024-05-01T12:00:00.000Z'], flags: [],
    });
    const updated = await ok(t, `mutation($id: String!) { updateBag(where: { id: $id }, data: { tags: [], colors: [GREEN], flags: [true] }) { tags colors flags scores } }`, {
      id: created.createBag.id,
    });
    expect(updated.updateBag).toEqual({ tags: [], colors: ['GREEN'], flags: [true], scores: [3, 1, 2] });
    const many = await ok(t, 'mutation { createManyBags(data: [{ name: "b2", tags: ["x"] }, { name: "b3" }]) { count } }');
    expect(many.createManyBags.count).toBe(2);
    const unset = await ok(t, '{ bags(where: { name: { equals: "b3" } }) { tags scores colors } }');
    expect(unset.bags).toEqual([{ tags: [], scores: [], colors: [] }]);
  });

  it('filters scalar lists with has, hasEvery, hasSome, isEmpty and equals', async () => {
    await ok(t, 'mutation { deleteManyBags { count } }');
    await ok(
      t,
      `mutation { createManyBags(data: [
        { name: "a", tags: ["red", "big"], scores: [1, 2], colors: [RED] }
        { name: "b", tags: ["red"], scores: [2, 3], colors: [GREEN, BLUE] }
        { name: "c", tags: [], scores: [] }
      ]) { count } }`,
    );
    const names = async (where: Record<string, unknown>) =>
      (await ok(t, 'query($where: BagWhereInput) { bags(where: $where, orderBy: [{ name: asc }]) { name } }', { where })).bags.map((b: { name: string }) => b.name);
    expect(await names({ tags: { has: 'red' } })).toEqual(['a', 'b']);
    expect(await names({ tags: { hasEvery: ['red', 'big'] } })).toEqual(['a']);
    expect(await names({ scores: { hasSome: [3, 9] } })).toEqual(['b']);
    expect(await names({ tags: { isEmpty: true } })).toEqual(['c']);
    expect(await names({ scores: { equals: [1, 2] } })).toEqual(['a']);
    expect(await names({ colors: { has: 'BLUE' } })).toEqual(['b']);
    expect(await names({ NOT: [{ colors: { isEmpty: true } }], tags: { has: 'red' } })).toEqual(['a', 'b']);
  });
});
