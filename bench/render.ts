/**
 * Prints the BENCHMARKS.md section of a results file again (after a change
 * to the report's layout, or for a partial run):
 *   node --import tsx bench/render.ts bench/results/<date>.json
 */
import { readFileSync } from 'node:fs';
import type { PeerName } from './lib/operations.ts';
import { renderMarkdown } from './lib/report.ts';
import type { BenchResults } from './lib/summary.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: node --import tsx bench/render.ts <results.json>');
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
const peers = (results.options.peers as PeerName[]) ?? ['strata', 'postgraphile', 'raw'];
process.stdout.write(renderMarkdown(results, peers) + '\n');
