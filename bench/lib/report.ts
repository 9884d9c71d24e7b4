import type { PeerName } from './operations.ts';
import type { BenchResults, PeerSummary } from './summary.ts';

const label: Record<PeerName, string> = { strata: 'Strata', 'strata-rules': 'Strata+rules', 'strata-b': 'Strata B', postgraphile: 'PostGraphile', raw: 'raw' };

const fmt = (n: number | null | undefined, digits = 0) => (n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const ratio = (a?: PeerSummary, b?: PeerSummary) => (a && b && b.rps > 0 ? (a.rps / b.rps).toFixed(2) : '–');

function rpsCell(s?: PeerSummary): string {
  if (!s) return '–';
  const warn = s.errors > 0 ? ` ⚠${s.errors} err` : '';
  return `${fmt(s.rps)} ±${fmt(s.rpsSpreadPct)}%${warn}`;
}

/** The Markdown section appended to BENCHMARKS.md for one run. */
export function renderMarkdown(results: BenchResults, peers: PeerName[]): string {
  const out: string[] = [];
  const o = results.options as Record<string, unknown>;
  out.push(`## ${results.date} — scale ${results.dataset.scale}`, '');
  out.push('```sh', results.command, '```', '');
  out.push(
    `- Machine: ${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGb} GB RAM, ${results.machine.kernel}; ` +
      'load generator, peers and PostgreSQL share these cores' +
      (results.machine.loadAverage ? ` (1-minute load average ${(results.machine.loadAverage as { before: number }).before} before the runs, ${(results.machine.loadAverage as { after: number }).after} at the end).` : '.'),
  );
  out.push(`- Versions: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  out.push(
    `- Dataset ${results.dataset.scale}: ${Object.entries(results.dataset.rows).map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`).join(', ')} ` +
      `(seeded in ${results.dataset.seedSeconds.toFixed(1)} s). Verified: ${results.verified.samples} calls per operation gave the same normalised JSON on every peer${results.verified.rules ? ' (Strata+rules: checked against its rules)' : ''}.`,
  );
  out.push(
    `- Runs: ${o.rounds} interleaved rounds per workload and connection count, ${o.warmup} s warm-up ${o.warmupEveryRound ? 'before every round' : 'before each peer\'s first round'}, ` +
      `${o.duration} s measured; pool ${o.pool} on every peer; seed ${o.seed}. rps: median ±half the min–max range; p99: median of the rounds.`,
  );
  for (const note of results.notes) out.push(`- ${note}`);
  out.push('');

  if (results.pgbench.length) {
    out.push('Database ceiling (pgbench, same cluster):', '');
    out.push('| pgbench | ' + Object.keys(results.pgbench[0].byConnections).map((c) => `${c} conns tps`).join(' | ') + ' |');
    out.push('|---|' + Object.keys(results.pgbench[0].byConnections).map(() => '---:').join('|') + '|');
    for (const p of results.pgbench) {
      out.push(`| ${p.label} | ` + Object.values(p.byConnections).map((c) => `${fmt(c.tps)} ±${fmt(c.tpsSpreadPct)}%`).join(' | ') + ' |');
    }
    out.push('');
  }

  const workloadIds = Object.keys(results.workloads);
  const connections = workloadIds.length ? Object.keys(results.workloads[workloadIds[0]].throughput) : [];
  // Ratios: Strata (and Strata B, in an A/B run) over PostGraphile and raw, and B over A.
  const ratios: [PeerName, PeerName][] = [];
  for (const a of ['strata', 'strata-rules', 'strata-b'] as PeerName[]) for (const b of ['postgraphile', 'raw'] as PeerName[]) if (peers.includes(a) && peers.includes(b)) ratios.push([a, b]);
  if (peers.includes('strata') && peers.includes('strata-b')) ratios.push(['strata-b', 'strata']);
  for (const conns of connections) {
    out.push(`Throughput, wrk closed loop, ${conns} connections:`, '');
    out.push(
      '| workload | ' + peers.map((p) => `${label[p]} rps`).join(' | ') + ' | ' + peers.map((p) => `${label[p]} p99 ms`).join(' | ') +
        ' | ' + ratios.map(([a, b]) => `${label[a]}/${label[b]}`).join(' | ') + ' | SQL statements/req (' + peers.map((p) => label[p]).join(' / ') + ') | server CPU ms/req (' + peers.map((p) => label[p]).join(' / ') + ') | PostgreSQL CPU ms/req (' + peers.map((p) => label[p]).join(' / ') + ') |',
    );
    out.push('|---|' + peers.map(() => '---:').join('|') + '|' + peers.map(() => '---:').join('|') + '|' + ratios.map(() => '---:').join('|') + '|---:|---:|---:|');
    for (const id of workloadIds) {
      const t = results.workloads[id].throughput[conns] ?? {};
      out.push(
        `| ${id} ${results.workloads[id].title} | ` +
          peers.map((p) => rpsCell(t[p])).join(' | ') + ' | ' +
          peers.map((p) => fmt(t[p]?.p99Ms, 1)).join(' | ') + ' | ' +
          ratios.map(([a, b]) => ratio(t[a], t[b])).join(' | ') + ' | ' +
          peers.map((p) => (t[p]?.statementsPerRequest === null ? `${fmt(t[p]?.transactionsPerRequest, 1)} tx` : fmt(t[p]?.statementsPerRequest, 1))).join(' / ') + ' | ' +
          peers.map((p) => fmt(t[p]?.cpuMsPerRequest, 2)).join(' / ') + ' | ' +
          peers.map((p) => fmt(t[p]?.pgCpuMsPerRequest, 2)).join(' / ') + ' |',
      );
    }
    out.push('');
  }

  const withLatency = workloadIds.filter((id) => results.workloads[id].latency.length);
  if (withLatency.length) {
    out.push(`Latency at a fixed rate (autocannon, ${o.latencyConnections} connections; rate = fraction of the slowest peer's best rps), p50 / p99 ms:`, '');
    out.push('| workload | load | rate/s | ' + peers.map((p) => label[p]).join(' | ') + ' |');
    out.push('|---|---|---:|' + peers.map(() => '---:').join('|') + '|');
    for (const id of withLatency) {
      for (const point of results.workloads[id].latency) {
        out.push(
          `| ${id} | ${Math.round(point.fraction * 100)}% | ${fmt(point.rate)} | ` +
            peers
              .map((p) => {
                const r = point.peers[p];
                if (!r) return '–';
                const short = r.rps < point.rate * 0.95 ? ` (${fmt(r.rps)} rps)` : '';
                return `${fmt(r.latencyMs.p50, 1)} / ${fmt(r.latencyMs.p99, 1)}${short}${r.errors ? ` ⚠${r.errors} err` : ''}`;
              })
              .join(' | ') +
            ' |',
        );
      }
    }
    out.push('');
  }
  const errors = workloadIds.flatMap((id) =>
    Object.entries(results.workloads[id].throughput).flatMap(([c, t]) =>
      Object.entries(t).filter(([, s]) => s && s.errors > 0).map(([p, s]) => `${id} ${c} conns ${p}: ${s!.errors} errors, first: ${s!.firstError?.slice(0, 200)}`),
    ),
  );
  if (errors.length) out.push('Errors during runs:', '', ...errors.map((e) => `- ${e}`), '');
  return out.join('\n');
}
