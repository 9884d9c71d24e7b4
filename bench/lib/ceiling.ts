import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchOptions } from './args.ts';
import type { Cluster } from './cluster.ts';
import { BENCH_DB, PGBENCH_DB, preparePgbench } from './database.ts';
import { runPgbench } from './load.ts';
import type { PgbenchSummary } from './summary.ts';
import { log, median, spreadPercent } from './util.ts';

/** pgbench `-S -M prepared` on its own database, and Q1's row as a pgbench script: the database's own ceiling. */
export async function runDatabaseCeiling(cluster: Cluster, options: BenchOptions): Promise<PgbenchSummary[]> {
  log('pgbench: initialising its own database (scale 10)');
  await preparePgbench(cluster, 10);
  // The DB's own cost of Q1's row: the same point select on "Post", prepared.
  const script = path.join(path.dirname(cluster.dataDir), 'q1.sql');
  writeFileSync(script, `\\set id random(1, ${options.scale.posts})\nSELECT id, slug, title, body, status, published, rating, views, "createdAt", "authorId" FROM "Post" WHERE id = :id;\n`);
  const kinds = [
    { label: '`-S -M prepared` (built-in select-only, pgbench scale 10)', db: PGBENCH_DB, args: ['-S'] },
    { label: 'Q1\'s row: point select on "Post", `-M prepared`', db: BENCH_DB, args: ['-f', script] },
  ];
  const out: PgbenchSummary[] = [];
  for (const kind of kinds) {
    const summary: PgbenchSummary = { label: kind.label, byConnections: {} };
    for (const connections of options.connections) {
      const runs = [];
      for (let round = 1; round <= options.rounds; round++) runs.push(await runPgbench(cluster, kind.db, kind.args, connections, options.duration));
      const tps = runs.map((r) => r.tps);
      summary.byConnections[String(connections)] = { tps: median(tps), tpsSpreadPct: spreadPercent(tps), latencyMs: median(runs.map((r) => r.latencyMs)), runs };
      log(`pgbench ${kind.args.join(' ')} c${connections}: ${median(tps).toFixed(0)} tps`);
    }
    out.push(summary);
  }
  return out;
}
