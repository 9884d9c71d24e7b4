import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatementNames } from '../../src/engine/statement-names.ts';
import { pgAdminUrl } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

describe('createStatementNames', () => {
  it('names each distinct SQL text once, and stops naming new texts past the bound', () => {
    const name = createStatementNames(2);
    const a = name({ sql: 'SELECT 1' });
    expect(name({ sql: 'SELECT 1' })).toBe(a);
    const b = name({ sql: 'SELECT 2' });
    expect(b).not.toBe(a);
    expect(name({ sql: 'SELECT 3' })).toBeUndefined();
    expect(name({ sql: 'SELECT 2' })).toBe(b);
  });
});

/** The statements prepared on the only connection of a one-connection pool. */
const prepared = async (t: TestApp) =>
  (await t.prisma.$queryRawUnsafe(`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'strata_%'`)) as { name: string; statement: string }[];

describe.skipIf(!pgAdminUrl).each([
  ['on', 'true'],
  ['off', 'false'],
])('PostgreSQL prepared statements %s', (label, setting) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('postgresql', { env: { DATABASE_POOL_SIZE: '1', STRATA_PG_PREPARED_STATEMENTS: setting } });
  });
  afterAll(() => t?.close());

  it(label === 'on' ? 'prepares a read once on the connection and reuses it' : 'leaves every statement unnamed', async () => {
    for (let i = 0; i < 3; i++) expect((await t.gql('{ posts(take: 1) { id } }')).errors).toBeUndefined();
    const statements = await prepared(t);
    const reads = statements.filter((s) => s.statement.includes('"Post"'));
    expect(reads).toHaveLength(label === 'on' ? 1 : 0);
  });
});
