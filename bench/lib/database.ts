import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { prepareAppSchema } from '../../src/server/prepare-app-schema.ts';
import { pushSchema } from '../../src/engine/migrations.ts';
import type { Cluster } from './cluster.ts';
import { benchIndexesSql, postgraphileFunctionsSql, type Scale, seedSql } from './dataset.ts';
import { log } from './util.ts';

export const BENCH_DB = 'strata_bench';
export const PGBENCH_DB = 'pgbench';

export interface PreparedDatabase {
  url: string;
  seedSeconds: number;
  rows: Record<string, number>;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, statement_timeout: 600_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Creates the bench database with Strata's own schema push (the example app's
 * Prisma schema, as `strata dev` would push it), adds the bench indexes and
 * PostGraphile's M2 function, and seeds the dataset.
 */
export async function prepareDatabase(cluster: Cluster, root: string, scale: Scale): Promise<PreparedDatabase> {
  await withClient(cluster.url, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${BENCH_DB}`);
    await c.query(`CREATE DATABASE ${BENCH_DB}`);
  });
  const url = cluster.url.replace(/\/postgres$/, `/${BENCH_DB}`);
  const prepared = prepareAppSchema(path.join(root, 'prisma/schema.prisma'), 'postgresql');
  const pushed = await pushSchema({ databaseUrl: url, schema: prepared, force: true });
  log(`schema pushed (${pushed.executedSteps} steps)`);
  return withClient(url, async (c) => {
    if (cluster.statStatements) await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await c.query(benchIndexesSql);
    await c.query(postgraphileFunctionsSql);
    const started = performance.now();
    await c.query(seedSql(scale));
    await c.query('VACUUM ANALYZE');
    const seedSeconds = (performance.now() - started) / 1000;
    const rows: Record<string, number> = {};
    for (const table of ['User', 'Post', 'Comment']) {
      rows[table] = Number((await c.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
    }
    log(`seeded scale ${scale.name} in ${seedSeconds.toFixed(1)}s: ${JSON.stringify(rows)}`);
    return { url, seedSeconds, rows };
  });
}

/** `pgbench -i` into its own database of the same cluster, for `pgbench -S`. */
export async function preparePgbench(cluster: Cluster, scaleFactor: number): Promise<string> {
  await withClient(cluster.url, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${PGBENCH_DB}`);
    await c.query(`CREATE DATABASE ${PGBENCH_DB}`);
  });
  await cluster.exec('pgbench', ['-i', '-q', '-s', String(scaleFactor), '-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres', PGBENCH_DB]);
  return cluster.url.replace(/\/postgres$/, `/${PGBENCH_DB}`);
}

/** Transaction control and session statements, counted apart from the queries that read and write rows. */
const controlStatement = `^\\s*(BEGIN|COMMIT|ROLLBACK|START|SAVEPOINT|RELEASE|DEALLOCATE|SET|RESET|DISCARD|SHOW)\\y`;

export interface DbCounters {
  /** All statements run in the bench database (pg_stat_statements), or null without it. */
  statements: number | null;
  /** Of those, the ones that are not transaction control (BEGIN, COMMIT, SET...). */
  queries: number | null;
  /** Committed plus rolled back transactions of the bench database. */
  xacts: number;
}

/**
 * Counters of the bench database. `monitor` must be connected to another
 * database (postgres), so these reads are not counted themselves.
 */
export async function dbCounters(monitor: pg.Client, statStatements: boolean): Promise<DbCounters> {
  const xacts = Number((await monitor.query(`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1`, [BENCH_DB])).rows[0].n);
  if (!statStatements) return { statements: null, queries: null, xacts };
  const { rows } = await monitor.query(
    `SELECT coalesce(sum(calls), 0) AS statements, coalesce(sum(calls) FILTER (WHERE query !~* $2), 0) AS queries
       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1`,
    [BENCH_DB, controlStatement],
  );
  return { statements: Number(rows[0].statements), queries: Number(rows[0].queries), xacts };
}

/** Opens the monitoring connection (to the `postgres` database) and makes pg_stat_statements readable there. */
export async function openMonitor(cluster: Cluster): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: cluster.url, connectionTimeoutMillis: 10_000 });
  // The cluster stops under it at the end of a run (or after a failure): not an error worth a crash.
  client.on('error', () => {});
  await client.connect();
  if (cluster.statStatements) await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return client;
}

/** The pid of the postmaster, to add up the database server's CPU time. */
export async function postmasterPid(cluster: Cluster): Promise<number> {
  return Number(readFileSync(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}
