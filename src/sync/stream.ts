import type { Context } from '../base/context.ts';
import { realtimeOf } from '../realtime/create-realtime.ts';
import { SubscriberQueue } from '../realtime/subscriber-queue.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import type { Generator } from '../schema/generator.ts';
import { readableOrThrow } from '../schema/secure/secure-args.ts';
import type { Sync } from './create-sync.ts';
import type { SyncDocument } from './documents.ts';
import { pull, type SyncCheckpoint } from './pull.ts';

/** One message of `stream<Model>`: changed documents and the checkpoint after them, or a request to re-pull. */
export interface StreamBatch {
  documents: SyncDocument[];
  checkpoint: SyncCheckpoint | null;
  /** The client must pull from its own checkpoint (RxDB's `'RESYNC'`): sent first, and whenever the stream lost track. */
  resync: boolean;
}

/** Documents per stream message. */
const BATCH = 100;
/** Messages a slow client may leave unread before the stream stops reading ahead. */
const QUEUE_SIZE = 16;

const resync = (): StreamBatch => ({ documents: [], checkpoint: null, resync: true });

/**
 * `stream<Model>`: a resync first (the client pulls what it missed while
 * away, whatever the reason: a new connection, a server restart), then,
 * after every commit that changed the model, the changed rows since the
 * stream's last position, read exactly as `pull` reads them (the
 * subscriber's read rules now; removals only of rows it could read before
 * they changed). Commits are noticed through the realtime hub, so a write
 * on another instance wakes it too (with Redis). An error never ends the stream: it sends a resync and
 * carries on from a fresh position.
 */
export function stream(gen: Generator, sync: Sync, ctx: Context, model: DmmfModel): AsyncIterableIterator<StreamBatch> {
  readableOrThrow(gen, ctx, model);
  let stopped = false;
  let dirty = true;
  let waiting: (() => void) | undefined;
  const signal = () => {
    dirty = true;
    waiting?.();
    waiting = undefined;
  };
  const changed = () => new Promise<void>((resolve) => (dirty || stopped ? resolve() : (waiting = resolve)));
  const off = realtimeOf(ctx).hub.listen((batch) => {
    if (batch.events.some((e) => e.model === model.name)) signal();
  });
  const queue = new SubscriberQueue<StreamBatch>(
    QUEUE_SIZE * 4,
    60_000,
    () => new Error('sync stream: client too slow'),
    () => {
      stopped = true;
      off();
      signal();
    },
  );
  const drained = async () => {
    for (let i = 0; i < 1000 && !stopped && queue.pending >= QUEUE_SIZE; i++) await new Promise((r) => setTimeout(r, 20));
  };
  const run = async () => {
    let checkpoint: SyncCheckpoint | null = null;
    queue.push(resync());
    while (!stopped) {
      try {
        checkpoint ??= { ...(await sync.log.head(ctx.prisma)), at: sync.now() };
        await changed();
        dirty = false;
        for (let round = 0; round < 1000 && !stopped; round++) {
          await drained();
          const result = await pull(gen, sync, ctx, model, checkpoint, BATCH);
          checkpoint = result.checkpoint;
          if (result.documents.length) queue.push({ documents: result.documents, checkpoint, resync: false });
          // Not `documents.length < BATCH`: changes the subscriber is not told about fill pages without documents.
          if (!result.more) break;
        }
      } catch (error) {
        if (stopped) return;
        ctx.log.warn({ err: error, model: model.name }, 'sync stream: reading changes failed; asking the client to resync');
        checkpoint = null;
        queue.push(resync());
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };
  void run();
  return queue;
}
