/**
 * The bench run's PostgreSQL: the same throwaway cluster as the test suite's
 * (test/support/pg-cluster.ts), sized for load, with pg_stat_statements
 * preloaded when the extension is installed and JIT off.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findPgBinaries, type PgCluster, startPgCluster } from '../../test/support/pg-cluster.ts';

const run = promisify(execFile);

export interface Cluster extends PgCluster {
  /** Folder holding `pgbench`, `psql`... */
  binDir: string;
  /** Whether pg_stat_statements could be preloaded. */
  statStatements: boolean;
}

/** `$STRATA_BENCH_PG_BIN`, else the highest `/usr/lib/postgresql/<v>/bin`, else PATH; with pgbench. */
export const findPgBinDir = (): string | null => findPgBinaries('STRATA_BENCH_PG_BIN', ['pgbench'])?.binDir ?? null;

export interface ClusterOptions {
  binDir: string;
  /** shared_buffers, e.g. 512MB. */
  sharedBuffers: string;
  maxConnections: number;
}

/** Starts the cluster; the caller must `stop()` it (a watchdog does it if the process dies). */
export async function startCluster({ binDir, sharedBuffers, maxConnections }: ClusterOptions): Promise<Cluster> {
  const shareDir = (await run(path.join(binDir, 'pg_config'), ['--sharedir']).catch(() => ({ stdout: '' }))).stdout.trim();
  const statStatements = existsSync(path.join(shareDir, 'extension', 'pg_stat_statements.control'));
  const cluster = await startPgCluster({
    binDir,
    dirPrefix: 'strata-bench-pg-',
    settings: [
      `max_connections = ${maxConnections}`,
      `shared_buffers = '${sharedBuffers}'`,
      // JIT compiles only "expensive" plans, at unpredictable points: off for steady OLTP numbers.
      'jit = off',
      ...(statStatements ? ["shared_preload_libraries = 'pg_stat_statements'", 'pg_stat_statements.track = top', 'pg_stat_statements.max = 10000'] : []),
    ],
  });
  return { ...cluster, binDir, statStatements };
}
