import { deferred, within } from '../../support/deferred.ts';

/**
 * What one subscription received, read in order: `next()` waits for the next
 * result; `ended` settles when the server completes or fails the operation.
 */
export class EventStream<T = any> {
  private readonly items: T[] = [];
  private waiter: ((item: T) => void) | undefined;
  private readonly end = deferred<{ error?: unknown }>();
  readonly received: T[] = [];

  push(item: T): void {
    this.received.push(item);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(item);
    } else this.items.push(item);
  }

  finish(error?: unknown): void {
    this.end.resolve({ error });
  }

  /** The next result, waiting at most `ms`. */
  next(ms = 10_000): Promise<T> {
    if (this.items.length) return Promise.resolve(this.items.shift()!);
    const d = deferred<T>();
    this.waiter = d.resolve;
    return within(d.promise, ms, 'the next subscription event');
  }

  /** Settles when the operation ends (complete or error). */
  ended(ms = 10_000): Promise<{ error?: unknown }> {
    return within(this.end.promise, ms, 'the end of the subscription');
  }

  /** Results received and not read yet. */
  get buffered(): number {
    return this.items.length;
  }
}
