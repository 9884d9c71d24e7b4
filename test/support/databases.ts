import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { TestRunner } from 'vitest';

export type Provider = 'sqlite' | 'postgresql';

/** The PostgreSQL server tests may create databases on, if any (set by the global setup or by hand). */
export const pgAdminUrl = process.env.STRATA_TEST_PG_URL;

/** Marks a suite or test the PostgreSQL half of `describe.each(providers)` registered while no server was available. */
export const SKIPPED_PROVIDER_META = 'strataSkippedProvider';

/**
 * The providers this run covers: SQLite always, PostgreSQL when a server is available.
 *
 * Without a server the list holds SQLite only (`includes`, `for...of` and `map` see no
 * PostgreSQL), but `describe.each(providers)` still registers the PostgreSQL half, as a
 * skipped block: vitest counts and reports its tests as skipped instead of the half
 * vanishing, and the global setup's teardown prints how many blocks lost it.
 */
export const providers: Provider[] = pgAdminUrl ? ['sqlite', 'postgresql'] : withSkippedPostgres(['sqlite']);

/**
 * Gives `list` a `forEach` (the method vitest's `describe.each`/`it.each` iterate cases with)
 * that also calls back for PostgreSQL and marks what that registered as skipped.
 * test/support/skipped-postgres.test.ts fails if vitest stops iterating that way.
 */
function withSkippedPostgres(list: Provider[]): Provider[] {
  function forEach(this: Provider[], callback: (value: Provider, index: number, array: Provider[]) => void, thisArg?: unknown): void {
    Array.prototype.forEach.call(this, callback, thisArg);
    const parent = TestRunner.getCurrentSuite();
    const before = parent.tasks.length;
    callback.call(thisArg, 'postgresql', this.length, this);
    for (const added of parent.tasks.slice(before)) {
      const task = added.type === 'collector' ? added.suite : added;
      if (!task) continue;
      task.mode = 'skip';
      task.meta = Object.assign(Object.create(null), task.meta, { [SKIPPED_PROVIDER_META]: 'postgresql' });
    }
  }
  // Not enumerable: equality assertions still see a plain ['sqlite'].
  return Object.defineProperty(list, 'forEach', { value: forEach, enumerable: false });
}

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
