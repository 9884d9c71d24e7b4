import type { DocumentNode, ExecutionResult } from 'graphql';
import { Kind } from 'graphql';
import type { Logger } from 'pino';
import { SubscriberQueue } from '../../realtime/subscriber-queue.ts';

type Results = AsyncIterableIterator<ExecutionResult>;

interface Upstream {
  /** The one execution all sharers read from (null while it starts; not iterable: it failed at subscribe time). */
  started: Promise<Results | ExecutionResult>;
  readers: Set<SubscriberQueue<ExecutionResult>>;
}

export interface ShareOptions {
  /** Results a reader may have waiting. */
  queueSize: number;
  /** How long a reader may stay above `queueSize`. */
  graceMs: number;
  /** The reader's client is too slow: its transport closes it. */
  onOverflow?: (pending: number) => void;
}

/**
 * Subscriptions whose results are the same for every reader (same document,
 * same variables, same viewer, no `after` to replay from) run once, and each
 * result is handed to every reader: execution (resolvers, field rules,
 * masking) costs once per distinct operation instead of once per
 * connection. Each reader keeps its own bounded queue, so one slow client
 * never holds back the others.
 */
export class SharedOperations {
  private readonly upstreams = new Map<string, Upstream>();

  constructor(
    private readonly log: Logger,
    /** Called when a reader joins or leaves. */
    private readonly onChange: () => void = () => {},
  ) {}

  /** Operations currently shared, and their readers (tests, metrics). */
  stats(): { operations: number; readers: number } {
    let readers = 0;
    for (const upstream of this.upstreams.values()) readers += upstream.readers.size;
    return { operations: this.upstreams.size, readers };
  }

  /** Joins the running execution for `key`, or starts it with `start`. */
  async join(key: string, start: () => Promise<Results | ExecutionResult>, options: ShareOptions): Promise<Results | ExecutionResult> {
    let upstream = this.upstreams.get(key);
    if (!upstream) {
      upstream = { started: start(), readers: new Set() };
      this.upstreams.set(key, upstream);
      void this.pump(key, upstream);
    }
    const source = await upstream.started;
    if (!isIterator(source)) return source;
    // The last reader left while this one waited: that execution is ending, start another.
    if (this.upstreams.get(key) !== upstream) return this.join(key, start, options);
    const reader: SubscriberQueue<ExecutionResult> = new SubscriberQueue<ExecutionResult>(
      options.queueSize,
      options.graceMs,
      (pending) => {
        options.onOverflow?.(pending);
        return new Error(`Subscription fell behind: ${pending} results waiting`);
      },
      () => this.leave(key, upstream, reader),
    );
    upstream.readers.add(reader);
    this.onChange();
    return reader;
  }

  private leave(key: string, upstream: Upstream, reader: SubscriberQueue<ExecutionResult>): void {
    upstream.readers.delete(reader);
    if (!upstream.readers.size && this.upstreams.get(key) === upstream) {
      this.upstreams.delete(key);
      void upstream.started.then((source) => {
        if (isIterator(source)) void source.return?.();
      });
    }
    this.onChange();
  }

  private async pump(key: string, upstream: Upstream): Promise<void> {
    let source: Results | ExecutionResult;
    try {
      source = await upstream.started;
    } catch (error) {
      this.upstreams.delete(key);
      this.log.error({ err: error }, 'realtime: starting a shared subscription failed');
      return;
    }
    if (!isIterator(source)) {
      // Failed at subscribe time (denied, bad cursor...): nothing to share; later joiners start afresh.
      this.upstreams.delete(key);
      return;
    }
    try {
      for await (const result of source) for (const reader of upstream.readers) reader.push(result);
      for (const reader of [...upstream.readers]) reader.return();
    } catch (error) {
      for (const reader of [...upstream.readers]) reader.fail(error);
    } finally {
      if (this.upstreams.get(key) === upstream) this.upstreams.delete(key);
    }
  }
}

function isIterator(value: unknown): value is Results {
  return typeof (value as Results)?.[Symbol.asyncIterator] === 'function';
}

/**
 * Whether an operation may be shared: a single subscription operation
 * whose root fields take no `after` (a resumed subscription replays from its
 * own position).
 */
export function isShareable(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation || operation.operation !== 'subscription') return false;
  return operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && !(s.arguments ?? []).some((a) => a.name.value === 'after'),
  );
}
