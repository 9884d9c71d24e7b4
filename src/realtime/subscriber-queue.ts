/**
 * A bounded queue read as an async iterator: what one subscription has to
 * send, waiting for its client. A burst may take it past `capacity` (a batch
 * write, a replay): if the reader has not brought it back to `capacity`
 * within `graceMs`, `onOverflow` runs once and the iterator ends with its
 * error — bounded memory for slow clients, never silent loss. Items may carry
 * a promise (a node still loading): the reader waits for it, in order, and
 * skips items that settle to `undefined`.
 */
export class SubscriberQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: (T | Promise<T | undefined>)[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private failed: unknown;
  private done = false;
  private overTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly capacity: number,
    private readonly graceMs: number,
    private readonly onOverflow: (pending: number) => unknown,
    private readonly onEnd: () => void,
  ) {}

  /** Events waiting to be read. */
  get pending(): number {
    return this.items.length;
  }

  get ended(): boolean {
    return this.done;
  }

  push(item: T | Promise<T | undefined>): void {
    if (this.done) return;
    if (this.waiting && !(item instanceof Promise)) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (this.waiting) this.pump();
    else if (this.items.length > this.capacity && !this.overTimer) {
      this.overTimer = setTimeout(() => {
        this.overTimer = undefined;
        if (this.items.length > this.capacity) this.fail(this.onOverflow(this.items.length));
      }, this.graceMs);
      this.overTimer.unref();
    }
  }

  /** Ends the iterator; the reader gets `error` once the queue is drained (never, for an overflow: it is dropped). */
  fail(error: unknown): void {
    if (this.done) return;
    this.failed = error ?? new Error('subscription ended');
    this.items.length = 0;
    this.finish();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length) return this.take();
    if (this.done) return this.failed ? Promise.reject(this.consumeFailure()) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = (result) => (result.done && this.failed ? reject(this.consumeFailure()) : resolve(result));
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.failed = undefined;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private consumeFailure(): unknown {
    const error = this.failed;
    this.failed = undefined;
    return error;
  }

  private async take(): Promise<IteratorResult<T>> {
    while (this.items.length) {
      const next = this.items.shift()!;
      if (this.overTimer && this.items.length <= this.capacity) {
        clearTimeout(this.overTimer);
        this.overTimer = undefined;
      }
      const value = await next;
      if (value !== undefined) return { value, done: false };
    }
    return this.next();
  }

  private pump(): void {
    const resolve = this.waiting!;
    this.waiting = undefined;
    this.take().then(resolve, () => resolve({ value: undefined, done: true }));
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.overTimer);
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
    this.onEnd();
  }
}
