import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Cluster } from './cluster.ts';

const run = promisify(execFile);

/** What one load run measured, as the client saw it. */
export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Requests that failed: connect/read/write errors, timeouts, non-2xx, GraphQL `errors`. */
  errors: number;
  firstError?: string;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number; p95?: number };
}

/** Closed-loop throughput with wrk: `connections` connections, each sending its next request as soon as the last answered. */
export async function runWrk(wrk: string, luaScript: string, url: string, file: string, connections: number, seconds: number, uniquePrefix: string, authorization?: string): Promise<LoadResult> {
  const { stdout } = await run(
    wrk,
    ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', luaScript, url, '--', file, uniquePrefix, ...(authorization ? [authorization] : [])],
    { timeout: (seconds + 60) * 1000, maxBuffer: 16 * 1024 * 1024 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${stdout.slice(-2000)}`);
  const w = JSON.parse(line.slice('WRK_JSON '.length));
  const firstError = stdout.split('\n').find((l) => l.startsWith('WRK_FIRST_ERROR '))?.slice('WRK_FIRST_ERROR '.length);
  const seconds_ = w.duration_us / 1e6;
  return {
    requests: w.requests,
    seconds: seconds_,
    rps: w.requests / seconds_,
    errors: w.connect_errors + w.read_errors + w.write_errors + w.status_errors + w.timeouts + w.graphql_errors,
    firstError,
    latencyMs: { mean: w.latency_us.mean / 1000, p50: w.latency_us.p50 / 1000, p90: w.latency_us.p90 / 1000, p99: w.latency_us.p99 / 1000, max: w.latency_us.max / 1000 },
  };
}

/** Latency at a fixed request rate with autocannon (run on the bench's Node, in its own process). */
export async function runAutocannon(node: string, benchDir: string, url: string, file: string, connections: number, rate: number, seconds: number, uniquePrefix: string, authorization?: string): Promise<LoadResult> {
  const script = path.join(benchDir, 'load/autocannon-run.mjs');
  const { stdout } = await run(node, [script, url, file, String(connections), String(Math.max(1, Math.round(rate))), String(seconds), uniquePrefix, ...(authorization ? [authorization] : [])], {
    cwd: benchDir,
    timeout: (seconds + 60) * 1000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const a = JSON.parse(stdout.trim().split('\n').pop()!);
  return {
    requests: a.requests,
    seconds: a.duration_s,
    rps: a.rps,
    errors: a.non2xx + a.errors + a.timeouts + a.graphql_errors,
    firstError: a.first_error,
    latencyMs: a.latency_ms,
  };
}

export interface PgbenchResult {
  tps: number;
  latencyMs: number;
  transactions: number;
}

/**
 * pgbench on the cluster: `-S -M prepared` (built-in select-only on its own
 * tables) or a script file. Bounded by `-T`.
 */
export async function runPgbench(cluster: Cluster, database: string, args: string[], connections: number, seconds: number): Promise<PgbenchResult> {
  const { stdout } = await cluster.exec(
    'pgbench',
    ['-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres', '-n', '-M', 'prepared', '-c', String(connections), '-j', '1', '-T', String(seconds), ...args, database],
    { timeoutMs: (seconds + 60) * 1000 },
  );
  const tps = Number(stdout.match(/tps = ([\d.]+) \(without initial connection time\)/)?.[1] ?? stdout.match(/tps = ([\d.]+)/)?.[1]);
  const latencyMs = Number(stdout.match(/latency average = ([\d.]+) ms/)?.[1]);
  const transactions = Number(stdout.match(/number of transactions actually processed: (\d+)/)?.[1]);
  if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${stdout}`);
  return { tps, latencyMs, transactions };
}

/** Busy and total jiffies of the whole machine (/proc/stat), for its CPU utilisation during a run. */
export function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}
