import { randomBytes } from 'node:crypto';
import type { ChangeEvent } from '../base/change-event.ts';

/** A batch of events as every instance receives it: numbered from `first` in `space`. */
export interface NumberedBatch {
  space: string;
  first: number;
  /**
   * Names this batch among every batch ever numbered in `space`: numbers can
   * be reused (a Redis restored from a snapshot), tags are not, so a cursor
   * carrying its event's tag detects a rewind.
   */
  tag: string;
  /** The tag of the batch holding event `first - 1`, when the broker knows it. */
  prevTag?: string;
  events: ChangeEvent[];
  /**
   * A batch read back from the broker's stored history when it (re)connects:
   * it fills the replay buffer only (live subscribers got it already, or
   * were not there).
   */
  history?: boolean;
}

/** A batch tag nobody else uses. */
export const newTag = () => randomBytes(6).toString('base64url');

/** The tag of every batch of a space only one process numbers, where numbers are never reused. */
export const LOCAL_TAG = 'l';

/**
 * Carries committed changes to every instance, this one included, in one
 * order that all instances share. Transport-free: the hub only sees this.
 */
export interface Broker {
  /** Sends one batch; never throws (failures are logged and delivery stays local). */
  publish(events: ChangeEvent[]): void;
  /** Registers the one receiver of batches, called in order. */
  onBatch(handler: (batch: NumberedBatch) => void): void;
  /** Resolves once the broker can reach every instance (at once for the local one); false after `timeoutMs`. */
  ready(timeoutMs: number): Promise<boolean>;
  /** Whether batches currently reach other instances. */
  readonly shared: boolean;
  close(): Promise<void>;
}

/** A numbering space nobody else uses: a restarted process never resumes an old cursor by mistake. */
export const newSpace = () => randomBytes(9).toString('base64url');

/**
 * The in-process broker: one instance, numbering from 1 in a fresh space.
 * Delivery is deferred to a microtask so a publisher never runs subscriber
 * code on its own stack.
 */
export function createLocalBroker(): Broker & { number(events: ChangeEvent[]): NumberedBatch } {
  const space = newSpace();
  let next = 1;
  let receive: ((batch: NumberedBatch) => void) | undefined;
  const number = (events: ChangeEvent[]): NumberedBatch => {
    const batch = { space, first: next, tag: LOCAL_TAG, prevTag: LOCAL_TAG, events };
    next += events.length;
    return batch;
  };
  return {
    shared: false,
    number,
    publish(events) {
      const batch = number(events);
      queueMicrotask(() => receive?.(batch));
    },
    onBatch(handler) {
      receive = handler;
    },
    ready: async () => true,
    close: async () => {},
  };
}
