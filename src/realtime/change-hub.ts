import type { Logger } from 'pino';
import type { Broker, NumberedBatch } from './broker.ts';
import type { ChangeEvent, ChangeSink } from '../base/change-event.ts';
import type { ChangeCursor } from './change-cursor.ts';
import { ReplayBuffer, type SequencedEvent } from './replay-buffer.ts';

/** A batch as this process received it; `ordinal` counts received batches (local, monotonic). */
export interface ReceivedBatch extends NumberedBatch {
  ordinal: number;
}

/** The sink writes publish into, and the ordered stream subscriptions read. */
export interface ChangeHub extends ChangeSink {
  /** Adds a receiver of every batch, in order; returns its removal. */
  listen(listener: (batch: ReceivedBatch) => void): () => void;
  /** Ordinal of the last batch received (0 before any). */
  readonly ordinal: number;
  /** The events after `cursor`, or null when they cannot all be replayed. */
  since(cursor: ChangeCursor): SequencedEvent[] | null;
  /** Whether batches currently reach other instances (false without Redis). */
  readonly shared: boolean;
  /** Waits until the broker reaches every instance; false after `timeoutMs`. */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface CreateChangeHubOptions {
  broker: Broker;
  /** Recent events kept for replay. @default 10000 */
  replayBufferSize?: number;
  log: Logger;
}

/** Joins a broker, a replay buffer and local listeners. Transport-free. */
export function createChangeHub({ broker, replayBufferSize = 10_000, log }: CreateChangeHubOptions): ChangeHub {
  const buffer = new ReplayBuffer(replayBufferSize);
  const listeners = new Set<(batch: ReceivedBatch) => void>();
  let ordinal = 0;
  let closed = false;
  broker.onBatch((batch) => {
    if (closed) return;
    buffer.append(batch);
    if (batch.history) return;
    const received = { ...batch, ordinal: ++ordinal };
    for (const listener of listeners) {
      try {
        listener(received);
      } catch (error) {
        log.error({ err: error }, 'realtime: a change listener failed');
      }
    }
  });
  return {
    publish(events: ChangeEvent[]) {
      if (closed || events.length === 0) return;
      broker.publish(events);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get ordinal() {
      return ordinal;
    },
    since: (cursor) => buffer.since(cursor),
    get shared() {
      return broker.shared;
    },
    ready: (timeoutMs) => broker.ready(timeoutMs),
    async close() {
      closed = true;
      listeners.clear();
      await broker.close();
    },
  };
}
