/**
 * Vitest global setup: gives the test run a PostgreSQL server.
 *
 * - `STRATA_TEST_PG=off`: no PostgreSQL at all (only SQLite tests run).
 * - `STRATA_TEST_PG_URL` already set: that server is used as is.
 * - otherwise, when PostgreSQL server binaries are installed, a throwaway
 *   cluster is created in a temp dir, listening on 127.0.0.1 on a free port, and
 *   stopped and deleted on teardown (a watchdog also removes it if vitest dies
 *   without running the teardown).
 * - otherwise, under CI (`CI` set) or with `STRATA_TEST_PG=required`, the run
 *   fails: a missing database must never silently drop half the suite;
 * - otherwise PostgreSQL tests are skipped, with one line saying why.
 *
 * Without PostgreSQL (turned off or missing), the PostgreSQL half of every
 * `describe.each(providers)` block is registered as skipped (test/support/databases.ts)
 * and the teardown prints how many blocks ran on SQLite only.
 *
 * The admin URL reaches the test workers two ways: `process.env.STRATA_TEST_PG_URL`
 * (vitest 4 builds each worker's env from `process.env` after global setups run)
 * and `inject('pgUrl')`.
 */
import type { RunnerTask } from 'vitest';
import type { TestProject } from 'vitest/node';
import { SKIPPED_PROVIDER_META } from './databases.ts';
import { findPgBinaries, startPgCluster } from './pg-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server for this run, or null when PostgreSQL tests are off. */
    pgUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.STRATA_TEST_PG === 'off') {
    // Workers inherit this process's env: make sure they see no server.
    delete process.env.STRATA_TEST_PG_URL;
    project.provide('pgUrl', null);
    console.log('[strata tests] PostgreSQL tests disabled (STRATA_TEST_PG=off); SQLite tests still run.');
    return reportSkippedPostgres(project, 'STRATA_TEST_PG=off');
  }
  if (process.env.STRATA_TEST_PG_URL) {
    project.provide('pgUrl', process.env.STRATA_TEST_PG_URL);
    return undefined;
  }
  const bins = findPgBinaries('STRATA_TEST_PG_BIN');
  if (!bins && (process.env.CI || process.env.STRATA_TEST_PG === 'required')) {
    throw new Error(
      `PostgreSQL is required (${process.env.CI ? 'CI is set' : 'STRATA_TEST_PG=required'}) but no server binaries were found in ${process.env.STRATA_TEST_PG_BIN ?? '/usr/lib/postgresql/*/bin or on PATH'}, and STRATA_TEST_PG_URL is not set`,
    );
  }
  if (!bins) {
    project.provide('pgUrl', null);
    console.log(
      `[strata tests] PostgreSQL tests skipped: no PostgreSQL server binaries (initdb, pg_ctl, postgres) in ${
        process.env.STRATA_TEST_PG_BIN ? `STRATA_TEST_PG_BIN=${process.env.STRATA_TEST_PG_BIN}` : '/usr/lib/postgresql/*/bin or on PATH'
      }, and STRATA_TEST_PG_URL is not set (install PostgreSQL or set STRATA_TEST_PG_URL); SQLite tests still run.`,
    );
    return reportSkippedPostgres(project, 'no server binaries');
  }

  const started = performance.now();
  const cluster = await startPgCluster({ binDir: bins.binDir, dirPrefix: 'strata-pg-', settings: ['max_connections = 200'] });
  const ms = Math.round(performance.now() - started);
  process.env.STRATA_TEST_PG_URL = cluster.url;
  project.provide('pgUrl', cluster.url);
  const name = bins.version ? `PostgreSQL ${bins.version}` : `PostgreSQL (${bins.binDir})`;
  console.log(`[strata tests] ${name} test cluster at ${cluster.url} (ready in ${ms} ms)`);

  return async () => {
    delete process.env.STRATA_TEST_PG_URL;
    await cluster.stop();
  };
}

/** A teardown printing how many `describe.each(providers)` blocks lost their PostgreSQL half in this run, and how many tests that skipped. */
function reportSkippedPostgres(project: TestProject, reason: string): () => Promise<void> {
  return async () => {
    const { blocks, tests } = countSkippedPostgres(project.vitest.state.getFiles());
    if (blocks === 0) return;
    console.log(
      `[strata tests] PostgreSQL unavailable (${reason}): ${blocks} provider block${blocks === 1 ? '' : 's'} ran on SQLite only (${tests} PostgreSQL test${tests === 1 ? '' : 's'} reported as skipped).`,
    );
  };
}

/** Counts the tasks marked as a skipped PostgreSQL half (see test/support/databases.ts) and the tests inside them. */
function countSkippedPostgres(tasks: readonly RunnerTask[]): { blocks: number; tests: number } {
  let blocks = 0;
  let tests = 0;
  const testsIn = (task: RunnerTask): number => (task.type === 'suite' ? task.tasks.reduce((n, child) => n + testsIn(child), 0) : 1);
  const walk = (task: RunnerTask) => {
    if ((task.meta as Record<string, unknown>)[SKIPPED_PROVIDER_META]) {
      blocks += 1;
      tests += testsIn(task);
    } else if (task.type === 'suite') task.tasks.forEach(walk);
  };
  tasks.forEach(walk);
  return { blocks, tests };
}
