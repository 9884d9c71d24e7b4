/**
 * `npm run bench -- --scenario load`: N concurrent clients, each signed in
 * as a user (bearer token, the example app's rules), doing a read/write mix
 * against one Strata (`bin/strata.js start`, production mode) on PostgreSQL
 * with Redis (realtime on: every write is numbered and published). Reports
 * p50/p99 latency, requests/s, errors and the server's memory before and
 * after. Bounded: the measured duration plus a deadline on every wait.
 *
 * Options: --clients 200 --duration 30 --writes 0.2 --users 20 --scale S --pool 10
 * (and --strata-env KEY=VALUE, repeatable). The load generator runs in this
 * process, on the same machine: the figures include its CPU competition.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freePort } from '../test/support/free-port.ts';
import { findPgBinDir, startCluster } from './lib/cluster.ts';
import { prepareDatabase } from './lib/database.ts';
import { scales } from './lib/dataset.ts';
import { startStrata } from './lib/peers.ts';
import { log, sleep } from './lib/util.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const workDir = path.join(benchDir, '.work');

const READ = `query Feed($before: DateTime!) { r: posts(where: { published: { equals: true }, createdAt: { lt: $before } }, orderBy: [{ createdAt: desc }], take: 20) { id title author { id name } } }`;
const CREATE = `mutation Create($slug: String!, $title: String!) { r: createPost(data: { slug: $slug, title: $title, published: true, body: "Written by the load scenario." }) { id title } }`;
const UPDATE = `mutation Update($id: Int!, $title: String!) { r: updatePost(where: { id: $id }, data: { title: $title }) { id title } }`;
const SIGN_IN = `mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`;
const SIGN_UP = `mutation ($e: String!, $p: String!) { signUp(email: $e, password: $p, name: "Load") { emailVerificationRequired } }`;

interface LoadOptions {
  clients: number;
  duration: number;
  writes: number;
  users: number;
  scale: string;
  pool: number;
  strataEnv: Record<string, string>;
}

function parseLoadArgs(argv: string[]): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      clients: { type: 'string', default: '200' },
      duration: { type: 'string', default: '30' },
      writes: { type: 'string', default: '0.2' },
      users: { type: 'string', default: '20' },
      scale: { type: 'string', default: 'S' },
      pool: { type: 'string', default: '10' },
      'strata-env': { type: 'string', multiple: true, default: [] },
    },
  });
  const strataEnv = Object.fromEntries((values['strata-env'] as string[]).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  return {
    clients: Number(values.clients),
    duration: Number(values.duration),
    writes: Number(values.writes),
    users: Number(values.users),
    scale: String(values.scale),
    pool: Number(values.pool),
    strataEnv,
  };
}

async function startRedisServer(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

async function gql(url: string, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  return { ok: response.ok && !body.errors, body };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return NaN;
  }
}

/** Runs the scenario; returns the process exit code. */
export async function runLoadScenario(argv: string[]): Promise<number> {
  const options = parseLoadArgs(argv);
  const binDir = findPgBinDir();
  if (!binDir) throw new Error('PostgreSQL server binaries not found (set STRATA_BENCH_PG_BIN)');
  mkdirSync(workDir, { recursive: true });
  const cleanups: (() => unknown)[] = [];
  try {
    const cluster = await startCluster({ binDir, sharedBuffers: '256MB', maxConnections: 100 });
    cleanups.push(() => cluster.stop());
    const db = await prepareDatabase(cluster, root, scales[options.scale]);
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const strata = await startStrata(
      {
        root,
        benchDir,
        workDir,
        databaseUrl: db.url,
        pool: options.pool,
        node24: process.execPath,
        cpuProf: false,
        // The example app's own rules (app/rules.ts), not the bench's full access; realtime through Redis.
        strataEnv: { STRATA_APP_DIR: path.join(root, 'app'), REDIS_URL: redis.url, ...options.strataEnv },
      },
      'system',
    );
    cleanups.push(() => strata.stop());
    log(`strata at ${strata.url} (pid ${strata.pid}), Redis at ${redis.url}`);

    // Users sign up, are marked verified in the database (no mail here), and sign in for a bearer token.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    cleanups.push(() => admin.end());
    const tokens: string[] = [];
    for (let i = 0; i < options.users; i++) {
      const email = `load-${i}@example.com`;
      const password = 'load-scenario-password';
      await gql(strata.url, SIGN_UP, { e: email, p: password });
      // signUp answers before it writes the row (no enumeration by timing): wait for it, bounded.
      for (let t = 0; t < 100; t++) {
        const { rowCount } = await admin.query(`UPDATE "User" SET "emailVerifiedAt" = now() WHERE email = $1`, [email]);
        if (rowCount) break;
        await sleep(50);
      }
      const signIn = await gql(strata.url, SIGN_IN, { e: email, p: password });
      if (!signIn.ok) throw new Error(`sign-in failed: ${JSON.stringify(signIn.body)}`);
      tokens.push(signIn.body.data.signIn.token);
    }

    const rssBefore = rssMb(strata.pid);
    const latencies: number[] = [];
    const errors: string[] = [];
    let reads = 0;
    let writes = 0;
    const deadline = Date.now() + options.duration * 1000;
    const client = async (n: number) => {
      const token = tokens[n % tokens.length];
      let mine: number | undefined;
      for (let i = 0; Date.now() < deadline; i++) {
        const write = Math.random() < options.writes;
        const [query, variables] = !write
          ? [READ, { before: new Date(Date.UTC(2023, 0, 1) + Math.floor(Math.random() * 10_000) * 60_000).toISOString() }]
          : mine === undefined
            ? [CREATE, { slug: `load-${n}-${i}-${Date.now()}`, title: `Load ${n} ${i}` }]
            : [UPDATE, { id: mine, title: `Load ${n} ${i}` }];
        const started = performance.now();
        try {
          const { ok, body } = await gql(strata.url, query, variables, token);
          latencies.push(performance.now() - started);
          if (!ok) errors.push(JSON.stringify(body.errors ?? body).slice(0, 200));
          else if (query === CREATE) mine = body.data.r.id;
          if (write) writes++;
          else reads++;
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
    };
    log(`load: ${options.clients} clients, ${options.duration}s, ${Math.round(options.writes * 100)}% writes, ${options.users} users`);
    const started = performance.now();
    await Promise.all(Array.from({ length: options.clients }, (_, n) => client(n)));
    const seconds = (performance.now() - started) / 1000;
    const rssAfter = rssMb(strata.pid);
    latencies.sort((a, b) => a - b);
    const result = {
      scenario: 'load',
      at: new Date().toISOString(),
      options: { ...options, strataEnv: undefined },
      requests: latencies.length,
      reads,
      writes,
      errors: errors.length,
      firstErrors: [...new Set(errors)].slice(0, 5),
      rps: Math.round(latencies.length / seconds),
      p50ms: Math.round(percentile(latencies, 50)),
      p99ms: Math.round(percentile(latencies, 99)),
      maxMs: Math.round(latencies.at(-1) ?? NaN),
      serverRssMb: { before: Math.round(rssBefore), after: Math.round(rssAfter) },
      loadavg: os.loadavg().map((l) => l.toFixed(1)),
      node: process.version,
    };
    mkdirSync(path.join(benchDir, 'results'), { recursive: true });
    const file = path.join(benchDir, 'results', `load-${result.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    log(`results in ${path.relative(root, file)}`);
    return errors.length ? 1 : 0;
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  }
}
