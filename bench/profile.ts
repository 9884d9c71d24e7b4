/**
 * Profiles one peer (Strata by default) on chosen workloads: for each, a
 * fresh peer process under `node --cpu-prof`, a wrk run, then the profile's
 * summary (bench/lib/cpu-profile.ts) and the SQL the peer sent
 * (pg_stat_statements: the statements Prisma generated, with calls and time).
 *
 *   node --import tsx bench/profile.ts --scale S --ops Q1,Q7,M2 --duration 20 --connections 16
 *
 * Writes bench/.work/profiles/<workload>-<peer>.cpuprofile (open in Chrome
 * DevTools or speedscope) and <workload>-<peer>.txt.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCluster } from './lib/cluster.ts';
import { renderProfile, summariseProfile } from './lib/cpu-profile.ts';
import { BENCH_DB, openMonitor, prepareDatabase } from './lib/database.ts';
import { scales } from './lib/dataset.ts';
import { runWrk } from './lib/load.ts';
import type { PeerName } from './lib/operations.ts';
import { type Peer, type PeerEnv, startPostGraphile, startRaw, startStrata } from './lib/peers.ts';
import { writeRequestFiles } from './lib/requests.ts';
import { ensureTools } from './lib/tools.ts';
import { log, processCpuSeconds } from './lib/util.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const workDir = path.join(benchDir, '.work');
const profDir = path.join(workDir, 'profiles');

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'S' },
    ops: { type: 'string', default: 'Q1,Q7,M2' },
    peer: { type: 'string', default: 'strata' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    seed: { type: 'string', default: '20240601' },
    'strata-node': { type: 'string', default: 'auto' },
    'strata-env': { type: 'string', multiple: true, default: [] },
    tag: { type: 'string', default: '' },
  },
});
const strataEnv = Object.fromEntries((values['strata-env'] ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
const tag = values.tag ? `-${values.tag}` : '';
const scale = scales[values.scale!.toUpperCase()];
if (!scale) throw new Error(`--scale must be S, M or L`);
const peerName = values.peer as PeerName;
const ops = values.ops!.split(',').map((s) => s.trim().toUpperCase());
const seconds = Number(values.duration);
const connections = Number(values.connections);

const tools = await ensureTools(benchDir);
mkdirSync(profDir, { recursive: true });
const cluster = await startCluster({ binDir: tools.pgBinDir, sharedBuffers: '256MB', maxConnections: 300 });
let peer: Peer | undefined;
const stopAll = async () => {
  await peer?.stop().catch(() => {});
  await cluster.stop();
};
process.once('SIGINT', () => stopAll().finally(() => process.exit(130)));
try {
  const db = await prepareDatabase(cluster, root, scale);
  const monitor = await openMonitor(cluster);
  const env: PeerEnv = { root, benchDir, workDir, databaseUrl: db.url, pool: 10, node24: tools.node24, cpuProf: true, strataEnv };
  for (const op of ops) {
    const files = writeRequestFiles(path.join(workDir, 'requests'), op, [peerName], scale, Number(values.seed));
    const before = new Set(readdirSync(profDir));
    peer = peerName === 'strata' ? await startStrata(env, values['strata-node'] as 'auto') : peerName === 'postgraphile' ? await startPostGraphile(env) : await startRaw(env);
    const lua = path.join(benchDir, 'load/wrk-requests.lua');
    await runWrk(tools.wrk, lua, peer.url, files[peerName], connections, Number(values.warmup), `p${Date.now().toString(36)}w`);
    await monitor.query('SELECT pg_stat_statements_reset()');
    // Only the measured run counts: start-up (module loading, schema building) and warm-up are left out.
    const skipMs = Date.now() - peer.spawnedAt;
    const cpu0 = processCpuSeconds(peer.pid) ?? 0;
    const load = await runWrk(tools.wrk, lua, peer.url, files[peerName], connections, seconds, `p${Date.now().toString(36)}`);
    const cpu = (processCpuSeconds(peer.pid) ?? 0) - cpu0;
    const { rows } = await monitor.query(
      `SELECT calls, round(mean_exec_time::numeric, 3) AS mean_ms, query FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = $1 ORDER BY calls DESC LIMIT 15`,
      [BENCH_DB],
    );
    await peer.stop();
    peer = undefined;
    // The main thread's is the largest: tsx's loader thread and a failed start on Node 24 (Strata's fallback) leave small ones.
    const produced = readdirSync(profDir)
      .filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
      .sort((a, b) => statSync(path.join(profDir, a)).size - statSync(path.join(profDir, b)).size);
    if (produced.length === 0) throw new Error(`no new profile in ${profDir}`);
    for (const stale of produced.slice(0, -1)) rmSync(path.join(profDir, stale));
    const target = path.join(profDir, `${op}-${peerName}${tag}.cpuprofile`);
    renameSync(path.join(profDir, produced.at(-1)!), target);
    const text = [
      `${op} on ${peerName}: ${load.rps.toFixed(0)} rps at ${connections} connections, p99 ${load.latencyMs.p99.toFixed(1)} ms, ` +
        `${((cpu * 1000) / Math.max(1, load.requests)).toFixed(2)} ms CPU/request, ${load.errors} errors`,
      '',
      renderProfile(summariseProfile(target, 30, skipMs)),
      '',
      `SQL during the measured run (pg_stat_statements, ${load.requests} requests):`,
      ...rows.map((r) => `  ${String(r.calls).padStart(7)} calls  ${String(r.mean_ms).padStart(8)} ms  ${String(r.query).replace(/\s+/g, ' ').slice(0, 400)}`),
    ].join('\n');
    writeFileSync(target.replace(/\.cpuprofile$/, '.txt'), text + '\n');
    console.log(`\n===== ${op} =====\n${text}`);
  }
  await monitor.end();
} finally {
  await stopAll();
}
log('profiles in bench/.work/profiles');
