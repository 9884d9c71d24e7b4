import type { Context } from '../base/context.ts';
import { badInput } from '../base/errors.ts';
import { and } from '../permissions/policy.ts';
import { type DmmfModel, delegateName } from '../base/datamodel.ts';
import type { Generator } from '../schema/generator.ts';
import { readableOrThrow } from '../schema/secure/secure-args.ts';
import type { LogPosition } from './change-log.ts';
import type { Sync } from './create-sync.ts';
import { readDocuments, removal, type SyncDocument } from './documents.ts';
import { readableBefore } from './readable-before.ts';
import { syncKey } from './sync-models.ts';

/**
 * Where a client is: a log position plus the time it was handed out (a
 * checkpoint older than retention starts a full pull again). While `scan`
 * is set the client is still receiving the rows themselves, in id order,
 * after `scan.after`; the log position is where it continues afterwards.
 */
export interface SyncCheckpoint extends LogPosition {
  at: number;
  scan?: { after: string | null };
}

export interface PullResult {
  documents: SyncDocument[];
  checkpoint: SyncCheckpoint;
  /** Whether the log may hold more changes after the checkpoint (not part of the API: the stream reads on while set). */
  more: boolean;
}

/** Log pages read per pull at most (a page of one row's repeated changes yields one document, of hidden rows none). */
const MAX_PAGES = 20;

/** The checkpoint a client sent, checked; null for none. */
export function parseCheckpoint(value: unknown): SyncCheckpoint | null {
  if (value === null || value === undefined) return null;
  const c = value as Partial<SyncCheckpoint>;
  const numeric = (v: unknown) => typeof v === 'string' && /^\d{1,20}$/.test(v);
  const pendingOk = c.pending === undefined || (Array.isArray(c.pending) && c.pending.length <= 10_000 && c.pending.every(numeric));
  const scanOk = c.scan === undefined || (typeof c.scan === 'object' && c.scan !== null && (c.scan.after === null || typeof c.scan.after === 'string'));
  if (typeof c !== 'object' || !numeric(c.seq) || (c.txid !== undefined && !numeric(c.txid)) || typeof c.at !== 'number' || !scanOk || !pendingOk) {
    throw badInput('Invalid sync checkpoint: pass back a checkpoint this API returned, or null', { argument: 'checkpoint' });
  }
  return { seq: c.seq!, ...(c.txid ? { txid: c.txid } : {}), ...(c.pending ? { pending: c.pending } : {}), at: c.at, ...(c.scan ? { scan: c.scan } : {}) };
}

/**
 * The rows of `model` changed after `checkpoint`, as the caller may read
 * them now: each changed row is either readable (its current document) or
 * not — deleted, or no longer matching the read rules — and then comes back
 * as `{ id, _deleted: true }`, but only when the caller could have read it
 * before one of those changes (`readableBefore`): a row it never could read
 * is not mentioned at all, so its id and activity do not leak. Without a checkpoint, or with one past
 * retention, every readable row is sent first (a full pull). Returns up to
 * `limit` documents; fewer means the client is up to date, unless the page
 * cap was reached over changes the caller is not told about (`more`).
 */
export async function pull(gen: Generator, sync: Sync, ctx: Context, model: DmmfModel, checkpoint: SyncCheckpoint | null, limit: number): Promise<PullResult> {
  const read = readableOrThrow(gen, ctx, model);
  const now = sync.now();
  sync.prune(ctx.prisma);
  let cp: SyncCheckpoint = checkpoint && checkpoint.at >= now - sync.retentionMs ? checkpoint : { ...(await sync.log.head(ctx.prisma)), at: now, scan: { after: null } };
  const key = syncKey(model);
  const documents: SyncDocument[] = [];
  if (cp.scan) {
    const after = cp.scan.after;
    const rows = (await ctx.prisma[delegateName(model.name)].findMany({
      where: and(after === null ? {} : { [key]: { gt: after } }, read),
      orderBy: { [key]: 'asc' },
      take: limit,
      select: { [key]: true },
    })) as Record<string, unknown>[];
    const ids = rows.map((r) => String(r[key]));
    const docs = await readDocuments(gen, ctx, ctx.prisma, model, ids);
    for (const id of ids) documents.push(docs.get(id) ?? removal(model, id));
    if (ids.length === limit) return { documents, checkpoint: { ...cp, at: now, scan: { after: ids[ids.length - 1] } }, more: true };
    cp = { seq: cp.seq, ...(cp.txid ? { txid: cp.txid } : {}), ...(cp.pending ? { pending: cp.pending } : {}), at: now };
  }
  const sent = new Set(documents.map((d) => String(d[key])));
  // Changed rows the caller cannot read now and could not before: nothing is said about them (unless a later change shows otherwise).
  const silent = new Set<string>();
  let position: LogPosition = cp;
  let more = false;
  // Whole pages only (a position is only known after a page): each asks for the room left, so at most `limit` documents
  // come back, plus the changes of pending transactions that ended (PostgreSQL, see `ChangeLog`).
  for (let n = 0; n < MAX_PAGES && documents.length < limit; n++) {
    const log = await sync.log.read(ctx.prisma, model.name, position, limit - documents.length);
    const befores = new Map<string, (string | null)[]>();
    for (const entry of log.entries) {
      if (sent.has(entry.rowKey)) continue;
      const list = befores.get(entry.rowKey);
      if (list) list.push(entry.before);
      else befores.set(entry.rowKey, [entry.before]);
    }
    const docs = await readDocuments(gen, ctx, ctx.prisma, model, [...befores.keys()].filter((id) => !silent.has(id)));
    for (const [id, states] of befores) {
      const doc = docs.get(id) ?? (readableBefore(model, gen.datamodel.provider, read, states) ? removal(model, id) : null);
      if (doc) {
        documents.push(doc);
        sent.add(id);
        silent.delete(id);
      } else silent.add(id);
    }
    position = log.next;
    more = log.more;
    if (!more) break;
  }
  return { documents, checkpoint: { ...position, at: now }, more };
}
