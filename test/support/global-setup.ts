/**
 * Vitest global setup: gives the test run a PostgreSQL server.
 *
 * - `STRATA_TEST_PG=off`: no PostgreSQL at all (only SQLite tests run).
 * - `STRATA_TEST_PG_URL` already set: that server is used as is.
 * - otherwise, when PostgreSQL server binaries are installed, a throwaway
 *   cluster is created in a temp dir, listening on 127.0.0.1 on a free port, and
 *   stopped and deleted on teardown (a watchdog also removes it if vitest dies
 *   without running the teardown).
 * - otherwise PostgreSQL tests are skipped, with one line saying why.
 *
 * The admin URL reaches the test workers two ways: `process.env.STRATA_TEST_PG_URL`
 * (vitest 4 builds each worker's env from `process.env` after global setups run)
 * and `inject('pgUrl')`.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, appendFileSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server for this run, or null when PostgreSQL tests are off. */
    pgUrl: string | null;
  }
}

const run = promisify(execFile);
const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 50;

export interface PgBinaries {
  /** Directory holding `initdb`, `pg_ctl` and `postgres`. */
  binDir: string;
  /** Major version when known (from `/usr/lib/postgresql/<version>`). */
  version: string | null;
}

function hasServerBinaries(dir: string): boolean {
  return ['initdb', 'pg_ctl', 'postgres'].every((name) => {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Finds PostgreSQL server binaries: `$STRATA_TEST_PG_BIN` if set, else the highest
 * `/usr/lib/postgresql/<version>/bin` (Debian/Ubuntu layout), else `initdb` on PATH.
 */
export function findPgBinaries(): PgBinaries | null {
  const override = process.env.STRATA_TEST_PG_BIN;
  if (override) return hasServerBinaries(override) ? { binDir: override, version: null } : null;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const binDir = path.join(root, version, 'bin');
      if (hasServerBinaries(binDir)) return { binDir, version };
    }
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && hasServerBinaries(dir)) return { binDir: dir, version: null };
  }
  return null;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Runs a PostgreSQL binary, as the `postgres` OS user when we are root (initdb and postgres refuse root). */
function pgCommand(asRoot: boolean, bin: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

async function ensurePostgresUser(): Promise<void> {
  try {
    await run('id', ['-u', 'postgres']);
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  }
}

/** A temp dir the `postgres` user can reach when we are root (TMPDIR may be a root-only dir). */
async function makeClusterDir(asRoot: boolean): Promise<string> {
  let base = os.tmpdir();
  if (asRoot) {
    try {
      await run('runuser', ['-u', 'postgres', '--', 'test', '-x', base]);
    } catch {
      base = '/tmp';
    }
  }
  const dir = mkdtempSync(path.join(base, 'strata-pg-'));
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(dir, uid, gid);
  }
  return dir;
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

interface Cluster {
  url: string;
  stop(): Promise<void>;
}

async function startCluster(bins: PgBinaries): Promise<Cluster> {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await ensurePostgresUser();
  const dir = await makeClusterDir(asRoot);
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const bin = (name: string) => path.join(bins.binDir, name);
  const exec = (name: string, args: string[]) => {
    const [cmd, argv] = pgCommand(asRoot, bin(name), args);
    // cwd: the postgres user may not be allowed into the current directory (e.g. /root).
    return run(cmd, argv, { cwd: dir, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  };
  const stopServer = () => exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-s']).catch(() => {});

  // If vitest dies without running the teardown, stop the cluster and delete it anyway.
  const stopCmd = pgCommand(asRoot, bin('pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-s'])
    .flat()
    .map((a) => `'${a.replaceAll("'", `'\\''`)}'`)
    .join(' ');
  const watchdog = spawn(
    'sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${stopCmd} >/dev/null 2>&1; rm -rf '${dir}'`],
    { detached: true, stdio: 'ignore', cwd: dir },
  );
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
    // C.UTF-8: byte-order collation (deterministic) with Unicode-aware case mapping; falls back to no locale.
    const initArgs = ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8'];
    try {
      await exec('initdb', [...initArgs, '--locale=C.UTF-8']);
    } catch {
      rmSync(dataDir, { recursive: true, force: true });
      await exec('initdb', [...initArgs, '--no-locale']);
    }

    // The port is only free "a moment ago": retry with another one if the server cannot bind it.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      appendFileSync(
        path.join(dataDir, 'postgresql.conf'),
        [
          '',
          '# strata test cluster',
          "listen_addresses = '127.0.0.1'",
          `port = ${port}`,
          `unix_socket_directories = '${dir}'`,
          'fsync = off',
          'synchronous_commit = off',
          'full_page_writes = off',
          'max_connections = 200',
          '',
        ].join('\n'),
      );
      rmSync(logFile, { force: true });
      await exec('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-W', '-s']);

      const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
      const deadline = Date.now() + READY_TIMEOUT_MS;
      let failed = false;
      while (!(await canConnect(url))) {
        // Our own polls log "the database system is starting up" as FATAL: only other fatal lines mean failure.
        const fatal = tail(logFile, 50)
          .split('\n')
          .filter((line) => /FATAL|PANIC/.test(line) && !/starting up|not yet accepting connections/.test(line));
        if (fatal.length > 0) {
          failed = true;
          break;
        }
        if (Date.now() > deadline) {
          throw new Error(`PostgreSQL test cluster did not accept connections within ${READY_TIMEOUT_MS / 1000}s:\n${tail(logFile)}`);
        }
        await sleep(POLL_INTERVAL_MS);
      }
      if (!failed) return { url, stop: cleanup };
      await stopServer();
      if (attempt >= 3) throw new Error(`PostgreSQL test cluster failed to start:\n${tail(logFile)}`);
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.STRATA_TEST_PG === 'off') {
    // Workers inherit this process's env: make sure they see no server.
    delete process.env.STRATA_TEST_PG_URL;
    project.provide('pgUrl', null);
    console.log('[strata tests] PostgreSQL tests disabled (STRATA_TEST_PG=off); SQLite tests still run.');
    return undefined;
  }
  if (process.env.STRATA_TEST_PG_URL) {
    project.provide('pgUrl', process.env.STRATA_TEST_PG_URL);
    return undefined;
  }
  const bins = findPgBinaries();
  if (!bins) {
    project.provide('pgUrl', null);
    console.log(
      `[strata tests] PostgreSQL tests skipped: no PostgreSQL server binaries (initdb, pg_ctl, postgres) in ${
        process.env.STRATA_TEST_PG_BIN ? `STRATA_TEST_PG_BIN=${process.env.STRATA_TEST_PG_BIN}` : '/usr/lib/postgresql/*/bin or on PATH'
      }, and STRATA_TEST_PG_URL is not set (install PostgreSQL or set STRATA_TEST_PG_URL); SQLite tests still run.`,
    );
    return undefined;
  }

  const started = performance.now();
  const cluster = await startCluster(bins);
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
