import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePool, createPgPool } from '../../src/engine/pg-pool.ts';
import { createTestDatabase, pgAdminUrl, providers, type TestDatabase } from '../support/databases.ts';

/** Runs `sql` as the test server's admin. */
async function admin(sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: pgAdminUrl });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const databaseOf = (url: string) => new URL(url).pathname.slice(1);

/** Terminates every backend on `database`, as DROP DATABASE ... WITH (FORCE) does (57P01), and waits for them to be gone. */
async function terminateBackends(database: string): Promise<number> {
  const killed = await admin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  for (let i = 0; i < 200 && (await admin('SELECT 1 FROM pg_stat_activity WHERE datname = $1', [database])).length > 0; i++);
  return killed.length;
}

describe.skipIf(!providers.includes('postgresql'))('the engine pg pool on postgresql', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('survives the server terminating its idle and checked-out connections (57P01) and opens new ones', async () => {
    const errors: string[] = [];
    const pool = createPgPool(db.url, { max: 2, onConnectionError: (error) => errors.push((error as Error & { code?: string }).code ?? error.message) });
    try {
      const [idle, held] = await Promise.all([pool.connect(), pool.connect()]);
      idle.release();
      expect(await terminateBackends(databaseOf(db.url))).toBe(2);
      // By now both clients read their 57P01; without a listener that was an uncaught exception.
      expect(errors).toContain('57P01');
      held.release(true);
      expect((await pool.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await closePool(pool);
    }
  });

  it('closes every connection before closePool resolves, so the database can be dropped without FORCE', async () => {
    const other = await createTestDatabase('postgresql');
    const pool = createPgPool(other.url, { max: 3 });
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    for (const client of clients) client.release();
    await closePool(pool);
    expect(await admin('SELECT 1 FROM pg_stat_activity WHERE datname = $1', [databaseOf(other.url)])).toEqual([]);
    await admin(`DROP DATABASE "${databaseOf(other.url)}"`);
  });
});
