/**
 * A throwaway PostgreSQL cluster, shared by the test run's global setup and
 * the benchmarks: initdb into a temp dir, listen on 127.0.0.1 on a free port,
 * run as the `postgres` OS user when we are root (initdb and postgres refuse
 * root), and a watchdog that stops and deletes it if this process dies.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, appendFileSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.ts';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 50;

export interface PgBinaries {
  /** Directory holding `initdb`, `pg_ctl`, `postgres` and the client binaries. */
  binDir: string;
  /** Major version when known (from `/usr/lib/postgresql/<version>`). */
  version: string | null;
}

function hasBinaries(dir: string, names: string[]): boolean {
  return names.every((name) => {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Finds PostgreSQL server binaries (and any `extra` ones, such as pgbench):
 * `$<overrideVar>` if set, else the highest `/usr/lib/postgresql/<version>/bin`
 * (Debian's layout), else the first folder on PATH that has them all.
 */
export function findPgBinaries(overrideVar: string, extra: string[] = []): PgBinaries | null {
  const names = ['initdb', 'pg_ctl', 'postgres', ...extra];
  const override = process.env[overrideVar];
  if (override) return hasBinaries(override, names) ? { binDir: override, version: null } : null;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const binDir = path.join(root, version, 'bin');
      if (hasBinaries(binDir, names)) return { binDir, version };
    }
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && hasBinaries(dir, names)) return { binDir: dir, version: null };
  }
  return null;
}

function tail(file: string, lines = 15): string {
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

async function ensurePostgresUser(): Promise<void> {
  try {
    await run('id', ['-u', 'postgres']);
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  }
}

/** A temp dir the `postgres` user can reach when we are root (TMPDIR may be a root-only dir). */
async function makeClusterDir(asRoot: boolean, prefix: string): Promise<string> {
  let base = os.tmpdir();
  if (asRoot) {
    try {
      await run('runuser', ['-u', 'postgres', '--', 'test', '-x', base]);
    } catch {
      base = '/tmp';
    }
  }
  const dir = mkdtempSync(path.join(base, prefix));
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(dir, uid, gid);
  }
  return dir;
}

export interface PgClusterOptions {
  binDir: string;
  /** Prefix of the temp dir's name. */
  dirPrefix: string;
  /** Extra `postgresql.conf` lines (sizing, preloaded libraries). @default [] */
  settings?: string[];
}

export interface PgCluster {
  /** Admin URL of the `postgres` database. */
  url: string;
  port: number;
  dataDir: string;
  /** Runs a PostgreSQL binary (psql, pgbench...) from `binDir` as the cluster's OS user. */
  exec(name: string, args: string[], options?: { timeoutMs?: number }): Promise<{ stdout: string; stderr: string }>;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

/** Starts the cluster; the caller must `stop()` it (the watchdog does it if this process dies). */
export async function startPgCluster({ binDir, dirPrefix, settings = [] }: PgClusterOptions): Promise<PgCluster> {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await ensurePostgresUser();
  const dir = await makeClusterDir(asRoot, dirPrefix);
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const command = (name: string, args: string[]): [string, string[]] => {
    const bin = path.join(binDir, name);
    return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  };
  const exec: PgCluster['exec'] = (name, args, options = {}) => {
    const [cmd, argv] = command(name, args);
    // cwd: the postgres user may not be allowed into the current directory (e.g. /root).
    return run(cmd, argv, {
      cwd: dir,
      env: { ...process.env, LC_ALL: 'C', LANG: 'C', PGHOST: '127.0.0.1' },
      timeout: options.timeoutMs ?? 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  };
  const stopArgs = ['stop', '-D', dataDir, '-m', 'immediate', '-s'];
  const stopServer = () => exec('pg_ctl', stopArgs).catch(() => {});

  const stopCmd = command('pg_ctl', stopArgs)
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
          '# throwaway cluster: durability is traded for speed',
          "listen_addresses = '127.0.0.1'",
          `port = ${port}`,
          `unix_socket_directories = '${dir}'`,
          'fsync = off',
          'synchronous_commit = off',
          'full_page_writes = off',
          ...settings,
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
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000}s:\n${tail(logFile)}`);
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      }
      if (!failed) return { url, port, dataDir, exec, stop: cleanup };
      await stopServer();
      if (attempt >= 3) throw new Error(`PostgreSQL failed to start:\n${tail(logFile)}`);
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
}
