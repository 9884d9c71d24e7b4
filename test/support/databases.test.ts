import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase, pgAdminUrl, providers } from './databases.ts';
import { findPgBinaries } from './pg-cluster.ts';

describe('test databases', () => {
  it('workers see the PostgreSQL server of the global setup through process.env and inject()', () => {
    expect(pgAdminUrl ?? null).toBe(inject('pgUrl'));
  });

  it('covers PostgreSQL whenever it is not turned off and a server is available', () => {
    expect(providers).toContain('sqlite');
    if (process.env.STRATA_TEST_PG === 'off') {
      expect(providers).not.toContain('postgresql');
    } else if (findPgBinaries('STRATA_TEST_PG_BIN') || process.env.STRATA_TEST_PG_URL) {
      expect(providers).toContain('postgresql');
    }
  });

  describe.each(providers)('%s', (provider) => {
    it('creates a database, runs select 1 on it, and drops it', async () => {
      const db = await createTestDatabase(provider);
      expect(db.provider).toBe(provider);
      if (provider === 'sqlite') {
        const file = db.url.replace(/^file:/, '');
        const sqlite = new Database(file);
        expect(sqlite.prepare('select 1 as one').get()).toEqual({ one: 1 });
        sqlite.close();
        await db.drop();
        expect(() => new Database(file, { fileMustExist: true })).toThrow();
      } else {
        const name = new URL(db.url).pathname.slice(1);
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        const { rows } = await client.query<{ one: number; db: string }>('select 1 as one, current_database() as db');
        expect(rows).toEqual([{ one: 1, db: name }]);
        await client.end();
        await db.drop();
        const admin = new pg.Client({ connectionString: pgAdminUrl });
        await admin.connect();
        const left = await admin.query('select 1 from pg_database where datname = $1', [name]);
        await admin.end();
        expect(left.rowCount).toBe(0);
      }
    });
  });
});
