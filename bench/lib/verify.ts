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
import { type Operation, operations, type PeerName, type PeerRequest, peerRequest, UNIQUE } from './operations.ts';
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
  /** The rules variant's checks (it answers differently from the peers by design), when it ran. */
  rules?: { calls: number; hiddenRows: number; hiddenEmails: number };
}

/** Where a peer listens, and the `Authorization` header its requests carry. */
export interface PeerTarget {
  url: string;
  authorization?: string;
}

async function ask(peer: PeerName, target: PeerTarget, op: Operation, { path, body, header }: PeerRequest): Promise<unknown> {
  const response = await fetch(target.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(target.authorization ? { authorization: target.authorization } : {}), ...(header ? { [header[0]]: header[1] } : {}) },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${peer} answered ${op.id} with HTTP ${response.status}: ${text.slice(0, 300)}`);
  }
}

/**
 * Checks one answer of the rules variant (bench/app-rules/rules.ts, asked as
 * user `viewerId`) row by row: every post it shows is published or the
 * viewer's, every email is the viewer's own or null. A point lookup (Q1) must
 * equal the full-access answer when that post is visible, and be null when not.
 * Returns what the rules hid. `reference` is undefined when no full-access peer ran.
 */
export function checkRulesAnswer(op: Operation, value: unknown, reference: unknown | undefined, viewerId: number): { hiddenRows: number; hiddenEmails: number } {
  const seen = { hiddenRows: 0, hiddenEmails: 0 };
  const fail = (why: string) => {
    throw new Error(`strata-rules broke its rules in ${op.id} (${why}): ${JSON.stringify(value).slice(0, 1500)}`);
  };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const row = node as Record<string, unknown>;
    if ('published' in row && 'authorId' in row && row.published !== true && row.authorId !== viewerId) fail(`post ${row.id} is neither published nor the viewer's`);
    if ('email' in row && 'id' in row) {
      if (row.id !== viewerId && op.kind === 'query' && row.email !== null) fail(`user ${row.id}'s email is shown to user ${viewerId}`);
      if (row.email === null) seen.hiddenEmails++;
    }
    Object.values(row).forEach(walk);
  };
  walk(value);
  if (op.id === 'Q1' && reference !== undefined) {
    const post = reference as { published: boolean; authorId: number } | null;
    const visible = post !== null && (post.published || post.authorId === viewerId);
    if (visible && !isDeepStrictEqual(value, reference)) fail(`a visible post differs from the full-access answer ${JSON.stringify(reference)}`);
    if (!visible && value !== null) fail('a hidden post was returned');
    if (!visible) seen.hiddenRows++;
  }
  return seen;
}

/**
 * Sends the first `samples` calls of every operation's sequence to every
 * peer and throws at the first difference, showing both answers. The rules
 * variant (`strata-rules`) is not compared with the peers, whose JSON it
 * differs from by design, but checked by {@link checkRulesAnswer}.
 */
export async function verifyPeers(targets: Partial<Record<PeerName, PeerTarget>>, scale: Scale, seed: number, samples: number, viewerId = 1): Promise<VerifyResult> {
  const all = Object.keys(targets) as PeerName[];
  const peers = all.filter((p) => p !== 'strata-rules');
  const withRules = all.includes('strata-rules');
  const rules = { calls: 0, hiddenRows: 0, hiddenEmails: 0 };
  const now = new Date().toISOString();
  const nonce = Date.now().toString(36);
  for (const op of operations) {
    const calls = workloadCalls(op.id, scale, seed, samples);
    for (const [i, call] of calls.entries()) {
      const answers: { peer: PeerName; value: unknown }[] = [];
      for (const peer of peers) {
        const request = peerRequest(peer, op, call.vars, now);
        const body = request.body.replaceAll(UNIQUE, `v${nonce}p${all.indexOf(peer)}n${i}`);
        answers.push({ peer, value: comparable(peer, op, await ask(peer, targets[peer]!, op, { ...request, body })) });
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
      if (first && (first.value === null || (Array.isArray(first.value) && first.value.length === 0))) {
        throw new Error(`${op.id} returned nothing for ${JSON.stringify(call.vars)}: the dataset does not match the operation`);
      }
      if (withRules) {
        const request = peerRequest('strata-rules', op, call.vars, now);
        const body = request.body.replaceAll(UNIQUE, `v${nonce}p${all.indexOf('strata-rules')}n${i}`);
        const response = (await ask('strata-rules', targets['strata-rules']!, op, { ...request, body })) as { data?: { r?: unknown }; errors?: unknown };
        // A hidden row looked up by id is null, like a missing one; anything else must answer.
        const value = response?.data && response.data.r === null && !response.errors ? null : comparable('strata-rules', op, response);
        const seen = checkRulesAnswer(op, value, first ? first.value : undefined, viewerId);
        rules.calls++;
        rules.hiddenRows += seen.hiddenRows;
        rules.hiddenEmails += seen.hiddenEmails;
      }
    }
  }
  return { samples, operations: operations.map((o) => o.id), ...(withRules ? { rules } : {}) };
}
