import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type Provider = 'sqlite' | 'postgresql';

/** The PostgreSQL server tests may create databases on, if any (set by the global setup or by hand). */
export const pgAdminUrl = process.env.STRATA_TEST_PG_URL;

/** The providers this run covers: SQLite always, PostgreSQL when a server is available. */
export const providers: Provider[] = pgAdminUrl ? ['sqlite', 'postgresql'] : ['sqlite'];

/** A database made for one test file, and how to drop it. */
export interface TestDatabase {
  provider: Provider;
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database of `provider`: a temp SQLite file, or a fresh PostgreSQL database. */
export async function createTestDatabase(provider: Provider): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-test-'));
    return { provider, url: `file:${path.join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (!pgAdminUrl) throw new Error('STRATA_TEST_PG_URL is not set');
  const name = `strata_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return {
    provider,
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: pgAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
