/**
 * `npm run bench`: Strata side by side with PostGraphile v5, a raw SQL
 * baseline and pgbench, on one throwaway PostgreSQL cluster with one dataset.
 * See BENCHMARKS.md for the method and results; `npm run bench -- --help`.
 *
 * Every phase is bounded: runs by their duration (plus a timeout), waits by
 * deadlines, and on any failure or signal the peers and the cluster stop.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { type BenchOptions, parseBenchArgs, usage } from './lib/args.ts';
import { type Cluster, startCluster } from './lib/cluster.ts';
import { BENCH_VIEWER_ID, createBenchSession } from './lib/bench-session.ts';
import { dbCounters, openMonitor, postmasterPid, prepareDatabase } from './lib/database.ts';
import { runDatabaseCeiling } from './lib/ceiling.ts';
import { machineCpu, runAutocannon, runWrk, type LoadResult } from './lib/load.ts';
import type { PeerName } from './lib/operations.ts';
import { type Peer, type PeerEnv, startPostGraphile, startRaw, startStrata } from './lib/peers.ts';
import { renderMarkdown } from './lib/report.ts';
import { workloads, writeRequestFiles } from './lib/requests.ts';
import { type BenchResults, type PgbenchSummary, type RunSample, summarise, type WorkloadResult } from './lib/summary.ts';
import { ensureTools, type Tools } from './lib/tools.ts';
import { verifyPeers } from './lib/verify.ts';
import { log, postgresCpuSeconds, processCpuSeconds, sleep } from './lib/util.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const workDir = path.join(benchDir, '.work');

interface Context {
  options: BenchOptions;
  tools: Tools;
  cluster: Cluster;
  monitor: pg.Client;
  pmPid: number;
  peers: Peer[];
  /** Starts a peer again (after it died under load). */
  restart(name: PeerName): Promise<Peer>;
  notes: string[];
  restarts: number;
}

const MAX_RESTARTS = 3;

/**
 * Runs `fn` against the peer at `index`. When a run fails because the peer's
 * process ended (a crash, or a neighbour killing it on a shared machine),
 * the peer is restarted and the run retried once; the run's notes say so.
 */
async function onPeer<T>(ctx: Context, index: number, what: string, fn: (peer: Peer) => Promise<T>): Promise<T> {
  try {
    return await fn(ctx.peers[index]);
  } catch (error) {
    const peer = ctx.peers[index];
    const ended = peer.exited();
    if (!ended || ctx.restarts >= MAX_RESTARTS) throw ended ? new Error(`${peer.name} ended (${ended}) during ${what}; see bench/.work/${peer.name}.log`) : error;
    ctx.restarts++;
    const note = `${peer.name} ended (${ended}) during ${what} and was restarted; that run was repeated.`;
    log(note);
    ctx.notes.push(note);
    ctx.peers[index] = await ctx.restart(peer.name);
    return fn(ctx.peers[index]);
  }
}

/** One measured (or warm-up) wrk run of a peer with the counters around it. */
async function measure(ctx: Context, peer: Peer, file: string, connections: number, seconds: number, prefix: string): Promise<Omit<RunSample, 'round'>> {
  const before = { server: processCpuSeconds(peer.pid) ?? 0, pg: postgresCpuSeconds(ctx.pmPid), machine: machineCpu(), db: await dbCounters(ctx.monitor, ctx.cluster.statStatements) };
  const load = await runWrk(ctx.tools.wrk, path.join(benchDir, 'load/wrk-requests.lua'), peer.url, file, connections, seconds, prefix, peer.authorization);
  if (peer.exited()) throw new Error(`${peer.name} ended (${peer.exited()}) during the run`);
  // Statements still in flight when wrk stops land in pg_stat_statements a moment later.
  await sleep(100);
  const after = { server: processCpuSeconds(peer.pid) ?? 0, pg: postgresCpuSeconds(ctx.pmPid), machine: machineCpu(), db: await dbCounters(ctx.monitor, ctx.cluster.statStatements) };
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  return {
    load,
    serverCpuSeconds: after.server - before.server,
    pgCpuSeconds: after.pg - before.pg,
    machineBusy: (after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total),
    statements: delta(after.db.statements, before.db.statements),
    queries: delta(after.db.queries, before.db.queries),
    xacts: after.db.xacts - before.db.xacts,
  };
}

async function runWorkload(ctx: Context, id: string, title: string): Promise<WorkloadResult> {
  const { options } = ctx;
  const files = writeRequestFiles(path.join(workDir, 'requests'), id, ctx.peers.map((p) => p.name), options.scale, options.seed);
  const result: WorkloadResult = { title, throughput: {}, latency: [] };
  const nonce = Date.now().toString(36);
  const started = Date.now();
  for (const connections of options.connections) {
    const samples: Partial<Record<PeerName, RunSample[]>> = {};
    for (let round = 1; round <= options.rounds; round++) {
      for (const [index, { name }] of ctx.peers.entries()) {
        const prefix = `p${index}${nonce}c${connections}r${round}`;
        const what = `${id} at ${connections} connections, round ${round}`;
        const sample = await onPeer(ctx, index, what, async (peer) => {
          if (options.warmup > 0 && (round === 1 || options.warmupEveryRound || peer.spawnedAt > started)) {
            await runWrk(ctx.tools.wrk, path.join(benchDir, 'load/wrk-requests.lua'), peer.url, files[peer.name], connections, options.warmup, `${prefix}w`, peer.authorization);
          }
          return { round, ...(await measure(ctx, peer, files[peer.name], connections, options.duration, prefix)) };
        });
        const peer = ctx.peers[index];
        (samples[peer.name] ??= []).push(sample);
        log(`${id} c${connections} round ${round} ${peer.name.padEnd(12)} ${sample.load.rps.toFixed(0).padStart(6)} rps  p99 ${sample.load.latencyMs.p99.toFixed(1)} ms` +
          `  cpu ${(sample.serverCpuSeconds * 1000 / Math.max(1, sample.load.requests)).toFixed(2)} ms/req` +
          (sample.statements !== null ? `  ${(sample.statements / Math.max(1, sample.load.requests)).toFixed(2)} stmt/req` : '') +
          (sample.load.errors ? `  ERRORS ${sample.load.errors}: ${sample.load.firstError?.slice(0, 160)}` : ''));
      }
    }
    result.throughput[String(connections)] = Object.fromEntries(Object.entries(samples).map(([peer, runs]) => [peer, summarise(runs!)]));
  }
  // Latency at fixed fractions of what the slowest peer could sustain.
  const best = ctx.peers.map((p) => Math.max(...Object.values(result.throughput).map((t) => t[p.name]?.rps ?? 0)));
  const slowest = Math.min(...best);
  for (const fraction of slowest > 0 ? options.latencyRates : []) {
    const rate = slowest * fraction;
    const point: WorkloadResult['latency'][number] = { fraction, rate, peers: {} };
    for (const [index, { name }] of ctx.peers.entries()) {
      const r: LoadResult = await onPeer(ctx, index, `${id} at ${Math.round(fraction * 100)}% rate`, async (peer) => {
        const run = await runAutocannon(ctx.tools.node24, benchDir, peer.url, files[peer.name], options.latencyConnections, rate, options.duration, `p${index}${nonce}l${fraction}`, peer.authorization);
        if (peer.exited()) throw new Error(`${peer.name} ended (${peer.exited()}) during the run`);
        return run;
      });
      const peer = ctx.peers[index];
      point.peers[name] = r;
      log(`${id} ${Math.round(fraction * 100)}% (${rate.toFixed(0)}/s) ${peer.name.padEnd(12)} p50 ${r.latencyMs.p50} ms p99 ${r.latencyMs.p99} ms${r.errors ? ` ERRORS ${r.errors}` : ''}`);
    }
    result.latency.push(point);
  }
  return result;
}

function estimateSeconds(o: BenchOptions): number {
  const peers = o.peers.length;
  const perConn = peers * (o.warmup + o.duration) + (o.rounds - 1) * peers * (o.warmupEveryRound ? o.warmup + o.duration : o.duration);
  const latency = o.latencyRates.length * peers * o.duration;
  const pgbench = o.pgbench ? 2 * o.connections.length * o.rounds * o.duration : 0;
  return o.workloads.length * (o.connections.length * perConn + latency) + pgbench;
}

async function main(): Promise<number> {
  const scenario = process.argv.indexOf('--scenario');
  if (scenario !== -1 && process.argv[scenario + 1] === 'pipeline') {
    const { runPipeline } = await import('./pipeline.ts');
    return runPipeline(process.argv.slice(2).filter((_, i) => i !== scenario - 2 && i !== scenario - 1));
  }
  if (scenario !== -1 && process.argv[scenario + 1] === 'load') {
    const { runLoadScenario } = await import('./load-scenario.ts');
    return runLoadScenario(process.argv.slice(2).filter((_, i, all) => i !== scenario - 2 && i !== scenario - 1));
  }
  let options: BenchOptions;
  try {
    const parsed = parseBenchArgs(process.argv.slice(2));
    if (parsed === 'help') {
      console.log(usage);
      return 0;
    }
    options = parsed;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const started = Date.now();
  mkdirSync(workDir, { recursive: true });
  log(`plan: scale ${options.scale.name}, ${options.workloads.join(' ')}, peers ${options.peers.join(' ')}; about ${Math.ceil(estimateSeconds(options) / 60)} min of load`);
  const tools = await ensureTools(benchDir);
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e) => log(`cleanup: ${(e as Error).message}`));
    cleanups.length = 0;
  };
  const onSignal = (signal: string) => {
    log(`${signal}: stopping peers and the cluster`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const cluster = await startCluster({ binDir: tools.pgBinDir, sharedBuffers: options.scale.name === 'S' ? '256MB' : '1GB', maxConnections: 300 });
    cleanups.push(() => cluster.stop());
    log(`PostgreSQL at 127.0.0.1:${cluster.port}${cluster.statStatements ? ' with pg_stat_statements' : ' (no pg_stat_statements: statements counted as transactions)'}`);
    const db = await prepareDatabase(cluster, root, options.scale);
    const monitor = await openMonitor(cluster);
    cleanups.push(() => monitor.end());
    // The rules variant's signed-in user: one session for the whole run.
    const authorization = options.peers.includes('strata-rules') ? await createBenchSession(db.url) : undefined;
    const peerEnv: PeerEnv = { root, benchDir, workDir, databaseUrl: db.url, pool: options.pool, node24: tools.node24, cpuProf: false, strataEnv: options.strataEnv };
    const peers: Peer[] = [];
    let strataNode = options.strataNode;
    const startPeer = async (name: PeerName): Promise<Peer> => {
      const env = { ...peerEnv, cpuProf: options.cpuProf.includes(name) };
      const peer =
        name === 'strata' || name === 'strata-b' || name === 'strata-rules'
          ? await startStrata({ ...env, strataEnv: name === 'strata-b' ? options.strataBEnv : options.strataEnv, appDir: name === 'strata-rules' ? 'app-rules' : 'app' }, strataNode, name)
          : name === 'postgraphile'
            ? await startPostGraphile(env)
            : await startRaw(env);
      // Later starts go straight to the Node Strata ended up on.
      if (peer.nodeNote) strataNode = 'system';
      if (name === 'strata-rules') peer.authorization = authorization;
      log(`${name} ready at ${peer.url} on Node ${peer.node.version} (pid ${peer.pid})`);
      return peer;
    };
    cleanups.push(async () => {
      for (const peer of peers) await peer.stop();
    });
    for (const name of options.peers) peers.push(await startPeer(name));
    const strataNote = peers.find((p) => p.name === 'strata')?.nodeNote;
    const ctx: Context = { options, tools, cluster, monitor, pmPid: await postmasterPid(cluster), peers, restart: startPeer, notes: [], restarts: 0 };
    const verified = await verifyPeers(Object.fromEntries(peers.map((p) => [p.name, { url: p.url, authorization: p.authorization }])), options.scale, options.seed, options.verifySamples, BENCH_VIEWER_ID);
    log(`verified: ${verified.samples} calls of ${verified.operations.join(' ')} gave the same JSON on ${peers.filter((p) => p.name !== 'strata-rules').map((p) => p.name).join(', ')}`);
    if (verified.rules) log(`verified strata-rules: ${verified.rules.calls} calls kept its rules (${verified.rules.hiddenRows} point lookups hidden, ${verified.rules.hiddenEmails} emails hidden)`);
    if (options.hold > 0) {
      log(`holding for ${options.hold}s: ${peers.map((p) => `${p.name} ${p.url}`).join(', ')}; database ${db.url}`);
      await sleep(options.hold * 1000);
      return 0;
    }
    let pgbench: PgbenchSummary[] = [];
    const results: Record<string, WorkloadResult> = {};
    const pgVersion = (await monitor.query('SHOW server_version')).rows[0].server_version as string;
    // What else ran on the machine: the 1-minute load average before the load and at the end.
    const loadBefore = os.loadavg()[0];
    const output = (): BenchResults => ({
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model.trim(),
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        kernel: `${os.type()} ${os.release()}`,
        loadAverage: { before: Number(loadBefore.toFixed(2)), after: Number(os.loadavg()[0].toFixed(2)) },
      },
      versions: {
        ...Object.fromEntries(peers.map((p) => [`${p.name} on Node`, p.node.version])),
        PostgreSQL: pgVersion,
        postgraphile: JSON.parse(readFileSync(path.join(benchDir, 'node_modules/postgraphile/package.json'), 'utf8')).version,
        wrk: '4.1',
      },
      notes: [
        ...(strataNote ? [`Strata ${strataNote}, so it ran on Node ${peers.find((p) => p.name === 'strata')!.node.version}; the other peers ran on Node 24.`] : []),
        'Bench-only indexes on Comment(postId), Comment(authorId), Post(createdAt), User(invitedById): Prisma creates none for foreign keys on PostgreSQL.',
        ...(Object.keys(options.strataEnv).length ? [`Strata ran with ${Object.entries(options.strataEnv).map(([k, v]) => `${k}=${v}`).join(' ')}.`] : []),
        ...(options.peers.includes('strata-rules')
          ? [`Strata with rules: bench/app-rules/rules.ts (posts published or your own, comments of those posts, email on your own row only), asked by user ${BENCH_VIEWER_ID} with a bearer token; PostGraphile and raw have no rules. Its answers differ from the peers' by design, so it was checked against its rules instead (${verified.rules?.calls ?? 0} calls).`]
          : []),
        ...(options.peers.includes('strata-b') ? [`Strata B: a second Strata, with ${Object.entries(options.strataBEnv).map(([k, v]) => `${k}=${v}`).join(' ') || 'the same settings (an A/A run: its spread is the noise)'}.`] : []),
        ...ctx.notes,
      ],
      options: { ...options, scale: options.scale.name },
      dataset: { scale: options.scale.name, rows: db.rows, seedSeconds: db.seedSeconds },
      verified,
      pgbench,
      workloads: results,
      durationSeconds: (Date.now() - started) / 1000,
    });
    try {
      if (options.pgbench) pgbench = await runDatabaseCeiling(cluster, options);
      const titles = new Map(workloads().map((w) => [w.id, w.title]));
      for (const id of options.workloads) results[id] = await runWorkload(ctx, id, titles.get(id)!);
    } catch (error) {
      // A long run that fails late still leaves what it measured.
      const partial = { ...output(), partial: true, error: (error as Error).message };
      const file = path.join(benchDir, 'results', `${partial.date.replaceAll(':', '-')}-partial.json`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(partial, null, 2) + '\n');
      log(`partial results: ${path.relative(root, file)}`);
      throw error;
    }
    const final = output();
    const date = final.date;
    const resultsDir = path.join(benchDir, 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${date.replaceAll(':', '-')}.json`);
    writeFileSync(file, JSON.stringify(final, null, 2) + '\n');
    const markdown = renderMarkdown(final, peers.map((p) => p.name));
    process.stdout.write(`\n${markdown}\n`);
    if (options.report) {
      const md = path.join(root, 'BENCHMARKS.md');
      if (!existsSync(md)) writeFileSync(md, '# Benchmarks\n\n# Results\n');
      appendFileSync(md, `\n${markdown}\nRaw numbers: \`bench/results/${path.basename(file)}\`.\n`);
    }
    log(`results: ${path.relative(root, file)}${options.report ? ' and BENCHMARKS.md' : ''} (${((Date.now() - started) / 60000).toFixed(1)} min)`);
    return 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`bench failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
