import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Scale } from './dataset.ts';
import { type Operation, operations, type PeerName, peerRequest, pickMixOperation } from './operations.ts';
import { createRng } from './util.ts';

/** Requests per file; load generators cycle through them. */
export const REQUESTS_PER_FILE = 20_000;

/** A workload: an operation, or the mix. */
export interface Workload {
  id: string;
  title: string;
  /** Whether it writes: then its requests carry unique tokens. */
  writes: boolean;
}

export const mixWorkload: Workload = { id: 'MIX', title: 'mix: 80% Q1-Q5, 15% Q6-Q7, 5% M1-M3', writes: true };

export const workloads = (): Workload[] => [
  ...operations.map((op) => ({ id: op.id, title: op.title, writes: op.kind === 'mutation' })),
  mixWorkload,
];

/** Seed of a workload's id sequence: fixed per workload, so every peer and every run asks for the same ids. */
function seedOf(seed: number, workload: string): number {
  let h = seed >>> 0;
  for (const ch of workload) h = Math.imul(h ^ ch.charCodeAt(0), 2654435761) >>> 0;
  return h;
}

/** The `count` first (operation, variables) pairs of a workload. */
export function workloadCalls(workload: string, scale: Scale, seed: number, count: number): { op: Operation; vars: Record<string, unknown> }[] {
  const rng = createRng(seedOf(seed, workload));
  const out = [];
  for (let i = 0; i < count; i++) {
    const op = workload === 'MIX' ? pickMixOperation(rng) : operations.find((o) => o.id === workload)!;
    out.push({ op, vars: op.vars(rng, scale) });
  }
  return out;
}

/**
 * Writes one request file per peer for a workload: one `path<TAB>body` line
 * per request (`<TAB>name: value` after it for an extra header), the same calls in the same order for every peer. Returns the
 * file of each peer.
 */
export function writeRequestFiles(dir: string, workload: string, peers: PeerName[], scale: Scale, seed: number): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const calls = workloadCalls(workload, scale, seed, REQUESTS_PER_FILE);
  const now = new Date().toISOString();
  const files: Record<string, string> = {};
  for (const peer of peers) {
    const file = path.join(dir, `${peer}-${workload}.tsv`);
    const lines = calls.map(({ op, vars }) => {
      const request = peerRequest(peer, op, vars, now);
      return `${request.path}\t${request.body}${request.header ? `\t${request.header[0]}: ${request.header[1]}` : ''}`;
    });
    writeFileSync(file, lines.join('\n') + '\n');
    files[peer] = file;
  }
  return files;
}
