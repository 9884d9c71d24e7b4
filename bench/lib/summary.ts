import type { LoadResult, PgbenchResult } from './load.ts';
import type { PeerName } from './operations.ts';
import { median, spreadPercent } from './util.ts';

/** One measured run of one peer. */
export interface RunSample {
  round: number;
  load: LoadResult;
  /** CPU seconds of the peer's process during the measured window. */
  serverCpuSeconds: number;
  /** CPU seconds of all PostgreSQL processes during the window. */
  pgCpuSeconds: number;
  /** Busy share of all the machine's cores during the window (0..1). */
  machineBusy: number;
  /** Deltas of the bench database's counters during the window. */
  statements: number | null;
  queries: number | null;
  xacts: number;
}

/** Medians over a peer's rounds. */
export interface PeerSummary {
  rps: number;
  /** Half the min-max range of rps, relative to the median, in percent. */
  rpsSpreadPct: number;
  rpsRuns: number[];
  p50Ms: number;
  p99Ms: number;
  /** Peer process CPU per request. */
  cpuMsPerRequest: number;
  /** PostgreSQL CPU per request. */
  pgCpuMsPerRequest: number;
  machineBusy: number;
  /** SQL statements per request, all (with BEGIN/COMMIT...) and queries only; null without pg_stat_statements. */
  statementsPerRequest: number | null;
  queriesPerRequest: number | null;
  transactionsPerRequest: number;
  errors: number;
  firstError?: string;
  runs: RunSample[];
}

const perRequest = (runs: RunSample[], pick: (r: RunSample) => number | null): number | null => {
  const values = runs.map((r) => {
    const v = pick(r);
    return v === null || r.load.requests === 0 ? null : v / r.load.requests;
  });
  return values.some((v) => v === null) ? null : median(values as number[]);
};

export function summarise(runs: RunSample[]): PeerSummary {
  const rpsRuns = runs.map((r) => r.load.rps);
  return {
    rps: median(rpsRuns),
    rpsSpreadPct: spreadPercent(rpsRuns),
    rpsRuns,
    p50Ms: median(runs.map((r) => r.load.latencyMs.p50)),
    p99Ms: median(runs.map((r) => r.load.latencyMs.p99)),
    cpuMsPerRequest: (perRequest(runs, (r) => r.serverCpuSeconds) ?? NaN) * 1000,
    pgCpuMsPerRequest: (perRequest(runs, (r) => r.pgCpuSeconds) ?? NaN) * 1000,
    machineBusy: median(runs.map((r) => r.machineBusy)),
    statementsPerRequest: perRequest(runs, (r) => r.statements),
    queriesPerRequest: perRequest(runs, (r) => r.queries),
    transactionsPerRequest: perRequest(runs, (r) => r.xacts) ?? NaN,
    errors: runs.reduce((n, r) => n + r.load.errors, 0),
    firstError: runs.find((r) => r.load.firstError)?.load.firstError,
    runs,
  };
}

export interface LatencyPoint {
  /** Fraction of the slowest peer's best throughput. */
  fraction: number;
  rate: number;
  peers: Partial<Record<PeerName, LoadResult>>;
}

export interface WorkloadResult {
  title: string;
  /** By connection count, then peer. */
  throughput: Record<string, Partial<Record<PeerName, PeerSummary>>>;
  latency: LatencyPoint[];
}

export interface PgbenchSummary {
  label: string;
  /** By connection count. */
  byConnections: Record<string, { tps: number; tpsSpreadPct: number; latencyMs: number; runs: PgbenchResult[] }>;
}

export interface BenchResults {
  date: string;
  command: string;
  machine: Record<string, unknown>;
  versions: Record<string, string>;
  notes: string[];
  options: Record<string, unknown>;
  dataset: { scale: string; rows: Record<string, number>; seedSeconds: number };
  verified: { samples: number; operations: string[]; rules?: { calls: number; hiddenRows: number; hiddenEmails: number } };
  pgbench: PgbenchSummary[];
  workloads: Record<string, WorkloadResult>;
  durationSeconds: number;
}
