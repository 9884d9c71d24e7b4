/**
 * Before any timing, every peer must return the same normalised JSON for the
 * same calls. Normalisation removes only what differs by API style, never data:
 * - PostGraphile's connections `{ nodes: [...] }` become the list, `{ totalCount: n }` the number;
 * - a mutation payload is unwrapped to its row (`createPost { post }`);
 * - date-times compare as instants (a `timestamp` column without zone is UTC here),
 *   numbers as numbers (BigInt/Decimal travel as strings, `1.85` = `1.850000`);
 * - values that differ by design (generated ids, unique tokens of mutations) are
 *   only required to be present.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Scale } from './dataset.ts';
import { type Operation, operations, type PeerName, peerRequest, UNIQUE } from './operations.ts';
import { workloadCalls } from './requests.ts';

const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const numeric = /^-?\d+(\.\d+)?$/;

export function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'nodes' && Array.isArray((value as { nodes: unknown }).nodes)) return normalise((value as { nodes: unknown }).nodes);
    if (keys.length === 1 && keys[0] === 'totalCount') return (value as { totalCount: unknown }).totalCount;
    return Object.fromEntries(keys.sort().map((k) => [k, normalise((value as Record<string, unknown>)[k])]));
  }
  if (typeof value === 'string') {
    if (isoDate.test(value)) return new Date(/Z|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`).toISOString();
    if (numeric.test(value)) return Number(value);
  }
  return value;
}

/** Replaces the values at `paths` (dot paths, `*` for every list item) by a marker saying whether they were present. */
function maskVolatile(value: unknown, paths: string[]): unknown {
  const copy = structuredClone(value);
  const mask = (node: unknown, parts: string[]): void => {
    if (node === null || typeof node !== 'object') return;
    const [head, ...rest] = parts;
    if (head === '*') {
      if (Array.isArray(node)) node.forEach((item) => mask(item, rest));
      return;
    }
    const record = node as Record<string, unknown>;
    if (!(head in record)) return;
    if (rest.length === 0) record[head] = record[head] === null || record[head] === undefined ? '<missing>' : '<present>';
    else mask(record[head], rest);
  };
  for (const p of paths) mask(copy, p.split('.'));
  return copy;
}

/** The comparable form of one peer's response to `op`. */
export function comparable(peer: PeerName, op: Operation, response: unknown): unknown {
  const body = response as { data?: { r?: unknown }; errors?: unknown };
  if (body?.errors || !body?.data) throw new Error(`${peer} answered ${op.id} with ${JSON.stringify(body).slice(0, 600)}`);
  let r = body.data.r;
  if (peer === 'postgraphile' && op.postgraphile.unwrap && r && typeof r === 'object') r = (r as Record<string, unknown>)[op.postgraphile.unwrap];
  return maskVolatile(normalise(r), op.volatile ?? []);
}

export interface VerifyResult {
  /** Calls compared per operation. */
  samples: number;
  operations: string[];
}

/**
 * Sends the first `samples` calls of every operation's sequence to every
 * peer and throws at the first difference, showing both answers.
 */
export async function verifyPeers(urls: Partial<Record<PeerName, string>>, scale: Scale, seed: number, samples: number): Promise<VerifyResult> {
  const peers = Object.keys(urls) as PeerName[];
  const now = new Date().toISOString();
  const nonce = Date.now().toString(36);
  for (const op of operations) {
    const calls = workloadCalls(op.id, scale, seed, samples);
    for (const [i, call] of calls.entries()) {
      const answers: { peer: PeerName; value: unknown }[] = [];
      for (const peer of peers) {
        const request = peerRequest(peer, op, call.vars, now);
        const body = request.body.replaceAll(UNIQUE, `v${nonce}p${peers.indexOf(peer)}n${i}`);
        const response = await fetch(urls[peer] + request.path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new Error(`${peer} answered ${op.id} with HTTP ${response.status}: ${text.slice(0, 300)}`);
        }
        answers.push({ peer, value: comparable(peer, op, json) });
      }
      const [first, ...others] = answers;
      for (const other of others) {
        if (!isDeepStrictEqual(first.value, other.value)) {
          throw new Error(
            `${op.id} differs between ${first.peer} and ${other.peer} for ${JSON.stringify(call.vars)}:\n` +
              `${first.peer}: ${JSON.stringify(first.value).slice(0, 1500)}\n${other.peer}: ${JSON.stringify(other.value).slice(0, 1500)}`,
          );
        }
      }
      if (first.value === null || (Array.isArray(first.value) && first.value.length === 0)) {
        throw new Error(`${op.id} returned nothing for ${JSON.stringify(call.vars)}: the dataset does not match the operation`);
      }
    }
  }
  return { samples, operations: operations.map((o) => o.id) };
}
