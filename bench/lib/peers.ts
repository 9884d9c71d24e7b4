import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { BENCH_ADMIN_SECRET, type PeerName } from './operations.ts';
import { freePort } from '../../test/support/free-port.ts';
import { log, sleep } from './util.ts';

export interface Peer {
  name: PeerName;
  url: string;
  pid: number;
  /** The Node binary and version it runs on. */
  node: { path: string; version: string };
  /** Why it does not run on the bench's Node 24, when it does not. */
  nodeNote?: string;
  /** When its process was spawned (Date.now()). */
  spawnedAt: number;
  /** `Authorization` header every request carries (the signed-in user of the rules variant). */
  authorization?: string;
  /** How the process ended ("exit code 1", "signal SIGKILL"), or null while it runs. */
  exited(): string | null;
  stop(): Promise<void>;
}

export interface PeerEnv {
  root: string;
  benchDir: string;
  workDir: string;
  databaseUrl: string;
  pool: number;
  node24: string;
  cpuProf: boolean;
  /** Extra environment for Strata (`--strata-env`), e.g. another STRATA_CACHE_DIR for an A/B run. */
  strataEnv?: Record<string, string>;
  /** Strata's app directory under bench/. @default 'app' (full access); 'app-rules' for the rules variant */
  appDir?: string;
}

const READY_TIMEOUT_MS = 180_000; // Strata's first start generates its Prisma client

function nodeVersion(bin: string): string {
  return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
}

/** Resolves once `url` answers like a ready peer; rejects when the process exits first or time runs out. */
async function waitReady(name: string, child: ChildProcess, url: string, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const probe = name === 'raw'
    ? () => fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) })
    : () => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}', signal: AbortSignal.timeout(2_000) });
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`${name} exited with ${exited} before it was ready:\n${tailFile(logFile)}`);
    try {
      const response = await probe();
      if (response.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  throw new Error(`${name} was not ready within ${READY_TIMEOUT_MS / 1000}s:\n${tailFile(logFile)}`);
}

function tailFile(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts one peer process on a free port of 127.0.0.1 and waits until it answers. */
async function startProcess(name: PeerName, node: string, args: string[], env: Record<string, string>, cwd: string, workDir: string, cpuProf: boolean): Promise<Peer> {
  const port = await freePort();
  const logFile = path.join(workDir, `${name}.log`);
  const out = openSync(logFile, 'a');
  writeSync(out, `--- ${new Date().toISOString()} starting ${name}: ${node} ${args.join(' ')}\n`);
  const profDir = path.join(workDir, 'profiles');
  if (cpuProf) mkdirSync(profDir, { recursive: true });
  // Node names each thread's profile CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile (tsx's loader runs in a worker thread).
  const nodeArgs = cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  const spawnedAt = Date.now();
  const child = spawn(node, [...nodeArgs, ...args], {
    cwd,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  let ended: string | null = null;
  child.once('exit', (code, signal) => (ended = signal ? `signal ${signal}` : `exit code ${code}`));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    // Bounded: a peer that ignores SIGTERM for 15 s is killed.
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  };
  try {
    await waitReady(name, child, url, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, url, pid: child.pid!, node: { path: node, version: nodeVersion(node) }, spawnedAt, exited: () => ended, stop };
}

function strataEnv(env: PeerEnv): Record<string, string> {
  return {
    DATABASE_URL: env.databaseUrl,
    DATABASE_POOL_SIZE: String(env.pool),
    LOG_LEVEL: 'silent',
    STRATA_GRAPHIQL: 'false',
    STRATA_ENV: 'production',
    // Full access (bench/app/rules.ts): every peer must be able to read and write every row;
    // the rules variant (bench/app-rules/rules.ts) is verified on its own (verify.ts).
    STRATA_APP_DIR: path.join(env.benchDir, env.appDir ?? 'app'),
    // The bench's own generated client, apart from the developer's .strata/.
    STRATA_CACHE_DIR: path.join(env.workDir, 'strata-cache'),
    // Production refuses a file model without S3; no operation here touches files, so a store that is
    // never called (nothing listens on the discard port) and no background sweep.
    S3_BUCKET: 'strata-bench',
    S3_ENDPOINT: 'http://127.0.0.1:9',
    STRATA_STORAGE_SWEEP_INTERVAL_SECONDS: '0',
    // The load generator is one client address sending thousands of requests a second: per-address limits would refuse it.
    STRATA_RATE_LIMIT: 'false',
    // M2 creates accounts, which takes an admin (operations.ts).
    STRATA_ADMIN_SECRET: BENCH_ADMIN_SECRET,
    ...env.strataEnv,
  };
}

/**
 * Strata: `node bin/strata.js start` in production. With `auto`, Node 24 (the
 * same binary as the other peers) is tried first; when Strata cannot start on
 * it, this process's Node runs it instead and the reason is recorded.
 */
export async function startStrata(env: PeerEnv, choice: 'auto' | 'bench' | 'system', name: 'strata' | 'strata-b' | 'strata-rules' = 'strata'): Promise<Peer> {
  const args = [path.join(env.root, 'bin/strata.js'), 'start'];
  if (choice !== 'system') {
    try {
      return await startProcess(name, env.node24, args, strataEnv(env), env.root, env.workDir, env.cpuProf);
    } catch (error) {
      if (choice === 'bench') throw error;
      const reason = (error as Error).message.split('\n').find((l) => /Error/.test(l)) ?? (error as Error).message.split('\n')[0];
      log(`strata does not start on Node ${nodeVersion(env.node24)}: ${reason}; using ${process.version}`);
      const peer = await startProcess(name, process.execPath, args, strataEnv(env), env.root, env.workDir, env.cpuProf);
      return { ...peer, nodeNote: `does not start on Node ${nodeVersion(env.node24)}: ${reason.trim()}` };
    }
  }
  return startProcess(name, process.execPath, args, strataEnv(env), env.root, env.workDir, env.cpuProf);
}

export function startPostGraphile(env: PeerEnv): Promise<Peer> {
  const common = { DATABASE_URL: env.databaseUrl, DATABASE_POOL_SIZE: String(env.pool) };
  return startProcess('postgraphile', env.node24, [path.join(env.benchDir, 'peers/postgraphile.mjs')], common, env.benchDir, env.workDir, env.cpuProf);
}

export function startRaw(env: PeerEnv): Promise<Peer> {
  const common = { DATABASE_URL: env.databaseUrl, DATABASE_POOL_SIZE: String(env.pool) };
  return startProcess('raw', env.node24, [path.join(env.benchDir, 'peers/raw.mjs')], common, env.benchDir, env.workDir, env.cpuProf);
}
