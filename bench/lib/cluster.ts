/**
 * A throwaway PostgreSQL cluster for one bench run, started the way the test
 * suite's global setup does (test/support/global-setup.ts): initdb into a temp
 * dir, listen on 127.0.0.1 on a free port, run as the `postgres` OS user when
 * we are root, and a watchdog that stops and deletes it if this process dies.
 * Unlike the tests' cluster it preloads pg_stat_statements and is sized for load.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, appendFileSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, sleep } from './util.ts';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 30_000;

export interface Cluster {
  /** Admin URL of the `postgres` database. */
  url: string;
  port: number;
  /** Folder holding `pgbench`, `psql`... */
  binDir: string;
  dataDir: string;
  logFile: string;
  /** Whether pg_stat_statements could be preloaded. */
  statStatements: boolean;
  /** Runs a PostgreSQL client binary (psql, pgbench) as the cluster's OS user. */
  exec(name: string, args: string[], options?: { timeoutMs?: number }): Promise<{ stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

function hasServerBinaries(dir: string): boolean {
  return ['initdb', 'pg_ctl', 'postgres', 'pgbench'].every((name) => {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** `$STRATA_BENCH_PG_BIN`, else the highest `/usr/lib/postgresql/<v>/bin`, else PATH. */
export function findPgBinDir(): string | null {
  const override = process.env.STRATA_BENCH_PG_BIN;
  if (override) return hasServerBinaries(override) ? override : null;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = path.join(root, version, 'bin');
      if (hasServerBinaries(dir)) return dir;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir && hasServerBinaries(dir)) return dir;
  return null;
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface ClusterOptions {
  binDir: string;
  /** shared_buffers, e.g. 512MB. */
  sharedBuffers: string;
  maxConnections: number;
}

/** Starts the cluster; the caller must `stop()` it (a watchdog does it if the process dies). */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    try {
      await run('id', ['-u', 'postgres']);
    } catch {
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    }
  }
  // TMPDIR may be a root-only folder: the postgres user must be able to enter it.
  let base = os.tmpdir();
  if (asRoot) {
    try {
      await run('runuser', ['-u', 'postgres', '--', 'test', '-x', base]);
    } catch {
      base = '/tmp';
    }
  }
  const dir = mkdtempSync(path.join(base, 'strata-bench-pg-'));
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const bin = (name: string) => path.join(options.binDir, name);
  const command = (name: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', bin(name), ...args]] : [bin(name), args];
  const exec = (name: string, args: string[], opts: { timeoutMs?: number } = {}) => {
    const [cmd, argv] = command(name, args);
    return run(cmd, argv, {
      cwd: dir,
      env: { ...process.env, LC_ALL: 'C', LANG: 'C', PGHOST: '127.0.0.1' },
      timeout: opts.timeoutMs ?? 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  };
  const stopServer = () => exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-s', '-t', '30']).catch(() => {});

  const stopCmd = command('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-s'])
    .flat()
    .map((a) => `'${a.replaceAll("'", `'\\''`)}'`)
    .join(' ');
  const watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${stopCmd} >/dev/null 2>&1; rm -rf '${dir}'`], {
    detached: true,
    stdio: 'ignore',
    cwd: dir,
  });
  watchdog.unref();
  const cleanup = async () => {
    await stopServer();
    if (watchdog.pid) {
      try {
        process.kill(-watchdog.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const initArgs = ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8'];
    try {
      await exec('initdb', [...initArgs, '--locale=C.UTF-8']);
    } catch {
      rmSync(dataDir, { recursive: true, force: true });
      await exec('initdb', [...initArgs, '--no-locale']);
    }
    const extensionDir = path.join((await exec('pg_config', ['--sharedir']).catch(() => ({ stdout: '' }))).stdout.trim(), 'extension');
    const statStatements = existsSync(path.join(extensionDir, 'pg_stat_statements.control'));
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      appendFileSync(
        path.join(dataDir, 'postgresql.conf'),
        [
          '',
          '# strata bench cluster: throwaway, so durability is traded for speed (same for every peer)',
          "listen_addresses = '127.0.0.1'",
          `port = ${port}`,
          `unix_socket_directories = '${dir}'`,
          `max_connections = ${options.maxConnections}`,
          `shared_buffers = '${options.sharedBuffers}'`,
          'fsync = off',
          'synchronous_commit = off',
          'full_page_writes = off',
          // JIT compiles only "expensive" plans, at unpredictable points: off for steady OLTP numbers.
          'jit = off',
          ...(statStatements
            ? ["shared_preload_libraries = 'pg_stat_statements'", 'pg_stat_statements.track = top', 'pg_stat_statements.max = 10000']
            : []),
          '',
        ].join('\n'),
      );
      rmSync(logFile, { force: true });
      await exec('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-W', '-s']);
      const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
      const deadline = Date.now() + READY_TIMEOUT_MS;
      let failed = false;
      while (!(await canConnect(url))) {
        if (/FATAL|PANIC/.test(tail(logFile, 50))) {
          failed = true;
          break;
        }
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000}s:\n${tail(logFile)}`);
        await sleep(50);
      }
      if (!failed) return { url, port, binDir: options.binDir, dataDir, logFile, statStatements, exec, stop: cleanup };
      await stopServer();
      if (attempt >= 3) throw new Error(`PostgreSQL failed to start:\n${tail(logFile)}`);
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
}
