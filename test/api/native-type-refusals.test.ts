import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const NUL = 'a\u0000b';

// Native column types exist on PostgreSQL only (the fixture does not load on SQLite).
describe.runIf(providers.includes('postgresql'))('bad input for native column types on postgresql', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('postgresql', { schemaPath: path.resolve(import.meta.dirname, 'fixtures/native-types.prisma') });
  });
  afterAll(() => t?.close());

  it.each([
    ['a string longer than its VarChar(5)', 'mutation { createLabel(data: { code: "toolong" }) { id } }', 'A value is too long for its column in Label'],
    ['a number past its SmallInt', 'mutation { createLabel(data: { code: "a", small: 40000 }) { id } }', 'A value is out of range for its column in Label'],
    ['a Decimal past its Decimal(5, 2)', 'mutation { createLabel(data: { code: "a", price: "1234.5" }) { id } }', 'A value is out of range for its column in Label'],
    ['an atomic increment past its SmallInt', 'mutation { updateManyLabels(data: { _increment: { small: 40000 } }) { count } }', 'A value is out of range for its column in Label'],
  ])('answers %s with BAD_USER_INPUT', async (_name, query, message) => {
    await t.prisma.label.deleteMany();
    await t.prisma.label.create({ data: { code: 'seed' } });
    const res = await t.gql(query);
    expect(res.errors).toEqual([expect.objectContaining({ message, extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(await t.prisma.label.count()).toBe(1);
  });

  it('refuses a NUL character in a scalar list value and in a list filter, naming the item', async () => {
    const created = await t.gql('mutation($v: String!) { createLabel(data: { code: "a", tags: ["ok", $v] }) { id } }', { v: NUL });
    expect(created.errors).toEqual([expect.objectContaining({ message: 'Argument data.tags[1] must not contain the NUL character (U+0000)' })]);
    const filtered = await t.gql('query($v: String!) { labels(where: { tags: { has: $v } }) { id } }', { v: NUL });
    expect(filtered.errors).toEqual([expect.objectContaining({ message: 'Argument where.tags.has must not contain the NUL character (U+0000)' })]);
  });
});
