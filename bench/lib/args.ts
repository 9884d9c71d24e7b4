import { parseArgs } from 'node:util';
import { scales, type Scale } from './dataset.ts';
import { type PeerName, peerNames } from './operations.ts';
import { workloads } from './requests.ts';

export interface BenchOptions {
  scale: Scale;
  /** Measured seconds of each run. */
  duration: number;
  /** Warm-up seconds before the first measured run of each peer, workload and connection count. */
  warmup: number;
  /** Warm up before every round, not only the first. */
  warmupEveryRound: boolean;
  /** Interleaved rounds (A, B, C, A, B, C, ...) per workload and connection count. */
  rounds: number;
  /** Closed-loop connection counts of wrk. */
  connections: number[];
  /** Fixed rates for the latency runs, as fractions of the slowest peer's best throughput; empty skips them. */
  latencyRates: number[];
  /** Connections autocannon spreads its fixed rate over. */
  latencyConnections: number;
  /** Workloads to run (Q1..M3, MIX). */
  workloads: string[];
  peers: PeerName[];
  /** Skip the pgbench database ceiling. */
  pgbench: boolean;
  /** Database pool size of every peer. */
  pool: number;
  seed: number;
  /** Calls per operation compared across peers before timing. */
  verifySamples: number;
  /** Node binary for Strata: auto (Node 24 from bench/, falling back to this Node if Strata cannot start there), bench, or system. */
  strataNode: 'auto' | 'bench' | 'system';
  /** Write a V8 CPU profile of these peers (node --cpu-prof) into bench/.work/profiles. */
  cpuProf: PeerName[];
  /** Append the table to BENCHMARKS.md. */
  report: boolean;
  /** After setup, keep the cluster and peers up this many seconds (for profiling by hand), then stop. */
  hold: number;
  /** Extra environment variables for Strata (`--strata-env KEY=VALUE`, repeatable). */
  strataEnv: Record<string, string>;
  /** Whether Strata runs without rules (`off`, peer `strata`), with them (`on`, peer `strata-rules`), or both side by side. */
  rules: 'on' | 'off' | 'both';
  /** Extra environment variables for the peer `strata-b`. */
  strataBEnv: Record<string, string>;
}

export const usage = `Usage: npm run bench -- [options]

  --scale S|M|L            dataset: S 1k/10k/100k, M 10k/100k/1M (default), L 10x M
  --duration <s>           measured seconds per run (default 30)
  --warmup <s>             warm-up seconds before each peer's first run of a workload (default 10)
  --warmup-every-round     warm up before every round, not only the first
  --rounds <n>             interleaved rounds per workload and connection count (default 3)
  --connections 16,64      wrk connection counts (default 16,64)
  --latency-rates 0.5,0.8  autocannon fixed rates, fractions of the slowest peer's max (default 0.5,0.8; "none" skips)
  --latency-connections <n>  connections for the fixed-rate runs (default 64)
  --ops Q1,Q2,...,MIX      workloads (default all: Q1-Q7, M1-M3, MIX)
  --peers strata,postgraphile,raw   (default all three; add strata-b for an A/B run, see --strata-b-env)
  --rules off|on|both      Strata without rules (bench/app/rules.ts: full access, anonymous), with row and field
                           rules asked by a signed-in user (bench/app-rules/rules.ts, peer strata-rules), or both
                           side by side (default both; PostGraphile and raw have no rules either way)
  --no-pgbench             skip pgbench (the database ceiling)
  --pool <n>               database pool size of every peer (default 10)
  --seed <n>               seed of the random ids (default 20240601)
  --verify-samples <n>     calls per operation compared across peers before timing (default 20)
  --strata-node auto|bench|system   Node for Strata (default auto: Node 24 if Strata starts on it)
  --cpu-prof strata,...    write V8 CPU profiles of these peers to bench/.work/profiles
  --no-report              do not append to BENCHMARKS.md (results JSON is still written)
  --hold <s>               after setup and verification, keep everything up <s> seconds, run nothing
  --strata-env KEY=VALUE   extra environment for Strata (repeatable)
  --strata-b-env KEY=VALUE environment of the peer strata-b, a second Strata run side by side (repeatable)

  --scenario load          instead: N signed-in clients doing a read/write mix with the example app's rules,
                           on PostgreSQL + Redis (bench/load-scenario.ts; options --clients 200 --duration 30
                           --writes 0.2 --users 20 --scale S --pool 10 --strata-env KEY=VALUE)
  --scenario pipeline      instead: requests/s of the GraphQL pipeline alone, in process: bare yoga, Strata's yoga,
                           Strata without graphql-shield (bench/pipeline.ts; options --duration 3 --rounds 3 --concurrency 16)
`;

const list = (raw: string) => raw.split(',').map((s) => s.trim()).filter(Boolean);

/** Parses the command line; throws with a message on bad input. */
export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: 'M' },
      duration: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '10' },
      'warmup-every-round': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '16,64' },
      'latency-rates': { type: 'string', default: '0.5,0.8' },
      'latency-connections': { type: 'string', default: '64' },
      ops: { type: 'string' },
      peers: { type: 'string', default: 'strata,postgraphile,raw' },
      'no-pgbench': { type: 'boolean', default: false },
      pool: { type: 'string', default: '10' },
      seed: { type: 'string', default: '20240601' },
      'verify-samples': { type: 'string', default: '20' },
      'strata-node': { type: 'string', default: 'auto' },
      'cpu-prof': { type: 'string', default: '' },
      'no-report': { type: 'boolean', default: false },
      hold: { type: 'string', default: '0' },
      'strata-env': { type: 'string', multiple: true, default: [] },
      'strata-b-env': { type: 'string', multiple: true, default: [] },
      rules: { type: 'string', default: 'both' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const problems: string[] = [];
  const num = (name: string, raw: string, min: number, max: number): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) problems.push(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  const scale = scales[(values.scale ?? 'M').toUpperCase()];
  if (!scale) problems.push(`--scale must be S, M or L, got "${values.scale}"`);
  const known = workloads().map((w) => w.id);
  const ops = values.ops ? list(values.ops).map((s) => s.toUpperCase()) : known;
  for (const op of ops) if (!known.includes(op)) problems.push(`--ops: unknown workload "${op}" (known: ${known.join(', ')})`);
  const rules = values.rules as BenchOptions['rules'];
  if (!['on', 'off', 'both'].includes(rules)) problems.push(`--rules must be on, off or both, got "${values.rules}"`);
  // The rules variant stands next to (both) or instead of (on) the full-access Strata.
  let peers = list(values.peers ?? '') as PeerName[];
  if (rules !== 'off' && !peers.includes('strata-rules')) {
    const at = peers.indexOf('strata');
    if (at === -1) peers.unshift('strata-rules');
    else peers.splice(at + 1, 0, 'strata-rules');
  }
  if (rules === 'on') peers = peers.filter((p) => p !== 'strata');
  for (const peer of peers) if (!peerNames.includes(peer)) problems.push(`--peers: unknown peer "${peer}" (known: ${peerNames.join(', ')})`);
  const cpuProf = list(values['cpu-prof'] ?? '') as PeerName[];
  for (const peer of cpuProf) if (!peers.includes(peer)) problems.push(`--cpu-prof: "${peer}" is not among --peers`);
  const strataNode = values['strata-node'] as BenchOptions['strataNode'];
  if (!['auto', 'bench', 'system'].includes(strataNode)) problems.push(`--strata-node must be auto, bench or system`);
  const envPairs = (name: string, pairs: string[]) => {
    const env: Record<string, string> = {};
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      if (eq <= 0) problems.push(`--${name} takes KEY=VALUE, got "${pair}"`);
      else env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return env;
  };
  const strataEnv = envPairs('strata-env', values['strata-env'] ?? []);
  const strataBEnv = envPairs('strata-b-env', values['strata-b-env'] ?? []);
  const rates = values['latency-rates'] === 'none' ? [] : list(values['latency-rates'] ?? '').map((r) => num('latency-rates', r, 0.01, 1));
  const options: BenchOptions = {
    scale,
    duration: num('duration', values.duration!, 1, 3600),
    warmup: num('warmup', values.warmup!, 0, 3600),
    warmupEveryRound: values['warmup-every-round']!,
    rounds: Math.round(num('rounds', values.rounds!, 1, 20)),
    connections: list(values.connections!).map((c) => Math.round(num('connections', c, 1, 1000))),
    latencyRates: rates,
    latencyConnections: Math.round(num('latency-connections', values['latency-connections']!, 1, 1000)),
    workloads: ops,
    peers,
    pgbench: !values['no-pgbench'],
    pool: Math.round(num('pool', values.pool!, 1, 100)),
    seed: Math.round(num('seed', values.seed!, 0, 2 ** 31)),
    verifySamples: Math.round(num('verify-samples', values['verify-samples']!, 1, 1000)),
    strataNode,
    cpuProf,
    report: !values['no-report'],
    hold: num('hold', values.hold!, 0, 86_400),
    strataEnv,
    strataBEnv,
    rules,
  };
  if (peers.length === 0) problems.push('--peers must name at least one peer');
  if (problems.length) throw new Error(problems.join('\n'));
  return options;
}
