import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import { AppError } from '../base/errors.ts';
import { metrics } from '../metrics/metrics.ts';
import { inSpan } from '../metrics/tracing.ts';
import { retryDelay } from './backoff.ts';
import { type Clock, systemClock } from '../base/clock.ts';
import type { Trigger, TriggerEvent } from './define-trigger.ts';
import { DeliveryError } from './delivery-error.ts';
import type { OutboxRecord, OutboxStore } from './outbox-store.ts';
import type { SystemContext } from './system-context.ts';

export interface DeliveryWorkerOptions {
  store: OutboxStore;
  /** Loaded triggers by name. */
  triggers: ReadonlyMap<string, Trigger>;
  /** What handlers receive besides the event (their `signal` is added per delivery). */
  context: () => Omit<SystemContext, 'signal'>;
  log: Logger;
  /** @default the system clock */
  clock?: Clock;
  /** This worker's lease owner name. @default `<host>:<pid>:<random>` */
  id?: string;
  /** Deliveries running at once. @default 4 */
  concurrency?: number;
  /**
   * How long a claimed event stays this worker's unless renewed; a running
   * handler's lease is renewed every third of it, so only a worker that
   * stopped (crashed, frozen) lets another deliver the event again. @default 60000
   */
  leaseMs?: number;
  /** Longest wait between polls when nothing wakes the worker. @default 1000 */
  pollMs?: number;
  /** How long `stop()` waits for running handlers. @default 10000 */
  stopGraceMs?: number;
  /** Delivered events older than this are deleted (checked hourly by a running worker); 0 keeps them. @default 0 */
  retentionMs?: number;
}

const PRUNE_EVERY_MS = 3_600_000;

const DEFAULT_TIMEOUT_MS = 30_000;

/** A handler failed after its lease went to another worker: that worker's delivery decides the event's fate. */
class LeaseLost extends Error {}

/** What admins see of a failure: Strata's own descriptions and AppErrors; other handler errors only in the server log. */
function publicMessage(error: unknown): string {
  if (error instanceof DeliveryError || error instanceof AppError) return error.message.slice(0, 1000);
  return 'the handler failed (details in the server log)';
}

/**
 * Delivers outbox events to their triggers' handlers, at least once.
 *
 * A worker claims due events by taking a lease (a conditional update, so two
 * workers never claim the same event at once), runs the handler, and marks
 * the event delivered, or schedules a retry with backoff, or dead-letters it
 * after its last attempt. A worker that dies mid-delivery loses nothing: its
 * lease expires and another worker (or the restarted process) delivers the
 * event again, with the same idempotency key. While a handler runs its lease
 * is renewed, so a slow handler is not started a second time meanwhile.
 * Handlers run outside requests,
 * so a slow one delays only other deliveries, never an API response.
 */
export class DeliveryWorker {
  readonly id: string;
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly stopGraceMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | undefined;
  private lastPrune = 0;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.id = options.id ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.clock = options.clock ?? systemClock;
    this.concurrency = options.concurrency ?? 4;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1000;
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
  }

  /** Claims what is due now (up to `concurrency` events), delivers it, and returns how many it claimed. */
  async pollOnce(): Promise<number> {
    const rows = await this.claim(this.concurrency);
    await Promise.all(rows.map((row) => this.deliver(row)));
    return rows.length;
  }

  /** Starts polling in the background until {@link stop}. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Wakes a waiting worker at once (a commit just wrote outbox rows). */
  nudge(): void {
    this.wakeUp?.();
  }

  /** Stops polling, aborts running handlers' signals and waits for them (at most `stopGraceMs`). */
  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loopDone;
    this.stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.stopGraceMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    clearTimeout(timer);
  }

  /** Deletes delivered events older than the retention; returns how many. */
  async prune(now: Date = this.clock.now()): Promise<number> {
    const { retentionMs = 0 } = this.options;
    if (retentionMs <= 0) return 0;
    this.lastPrune = now.getTime();
    return this.options.store.pruneDelivered(new Date(now.getTime() - retentionMs));
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (this.clock.now().getTime() - this.lastPrune >= PRUNE_EVERY_MS) {
        await this.prune().catch((error) => this.options.log.error({ err: error }, 'delivery worker: pruning delivered events failed'));
      }
      const free = this.concurrency - this.inFlight.size;
      if (free > 0) {
        try {
          const rows = await this.claim(free);
          for (const row of rows) this.track(this.deliver(row));
          if (rows.length === free) continue;
        } catch (error) {
          this.options.log.error({ err: error }, 'delivery worker: reading the outbox failed');
        }
      }
      if (this.running) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      this.wakeUp = done;
    });
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => {
      this.inFlight.delete(delivery);
      this.nudge();
    });
  }

  private maxAttempts(row: OutboxRecord): number {
    return this.options.triggers.get(row.trigger)?.maxAttempts ?? row.maxAttempts;
  }

  private async claim(limit: number): Promise<OutboxRecord[]> {
    const { store, log } = this.options;
    const now = this.clock.now();
    const mine: OutboxRecord[] = [];
    for (const row of await store.due(now, limit)) {
      if (row.attempts >= this.maxAttempts(row)) {
        // Only a lease that expired on the last attempt gets here: the worker delivering it died.
        const message = 'the last delivery attempt never finished (its worker stopped and the lease expired)';
        if (await store.dead(row.id, now, message, { attempts: row.attempts })) log.error({ trigger: row.trigger, eventId: row.id }, `trigger event dead-lettered: ${message}`);
        continue;
      }
      // The lease runs from the moment it is taken (the reads before it may have been slow).
      const leaseUntil = new Date(this.clock.now().getTime() + this.leaseMs);
      if (await store.claim(row, this.id, now, leaseUntil)) mine.push({ ...row, attempts: row.attempts + 1, leaseOwner: this.id, leaseUntil });
    }
    return mine;
  }

  private async deliver(row: OutboxRecord): Promise<void> {
    const { store, triggers, log } = this.options;
    const trigger = triggers.get(row.trigger);
    const started = performance.now();
    try {
      if (!trigger) throw new DeliveryError(`no trigger named "${row.trigger}" is loaded`);
      const event: TriggerEvent = { ...JSON.parse(row.payload), id: row.id, idempotencyKey: row.id, trigger: row.trigger, attempt: row.attempts, createdAt: row.createdAt };
      await inSpan(`trigger ${row.trigger}`, { 'strata.trigger': row.trigger, 'strata.attempt': row.attempts }, () => this.runHandler(trigger, event, row));
      await store.delivered(row.id, this.clock.now());
      metrics.triggerDelivery(row.trigger, 'delivered', (performance.now() - started) / 1000);
    } catch (error) {
      if (error instanceof LeaseLost) return;
      await this.failed(row, trigger, error, (performance.now() - started) / 1000).catch((err) => log.error({ err, eventId: row.id }, 'delivery worker: recording a failure failed'));
    }
  }

  private async runHandler(trigger: Trigger, event: TriggerEvent, row: OutboxRecord): Promise<void> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    this.stopping.signal.addEventListener('abort', abort);
    const lease = this.keepLease(row, controller);
    const timeoutMs = Math.max(1, trigger.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new DeliveryError(`the handler did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      const run = Promise.resolve().then(() => trigger.handler(event, { ...this.options.context(), signal: controller.signal }));
      await Promise.race([run, timeout]);
    } catch (error) {
      throw lease.lost ? new LeaseLost('lease lost', { cause: error }) : error;
    } finally {
      lease.stop();
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', abort);
    }
  }

  /**
   * Renews `row`'s lease every third of the lease until `stop()`. A renewal
   * that finds the lease gone (this worker was frozen past it and another
   * claimed the event) is logged, sets `lost` and aborts the handler's
   * signal: the event is the other worker's now, and a failure of this
   * handler is not recorded on it. A failed renewal is logged and retried at
   * the next tick; the lease still has two thirds left.
   */
  private keepLease(row: OutboxRecord, controller: AbortController): { stop(): void; readonly lost: boolean } {
    const { store, log } = this.options;
    const context = { trigger: row.trigger, eventId: row.id, attempt: row.attempts };
    let stopped = false;
    let renewing = false;
    let lost = false;
    const renew = async () => {
      renewing = true;
      try {
        const kept = await store.extendLease(row, this.id, new Date(this.clock.now().getTime() + this.leaseMs));
        // After the handler ended the row may be settled already: that is not a lost lease.
        if (kept || stopped) return;
        lost = true;
        stop();
        log.warn(context, 'trigger delivery lost its lease while the handler ran; another worker may deliver the event again');
        controller.abort();
      } catch (err) {
        if (!stopped) log.error({ ...context, err }, 'delivery worker: renewing a lease failed');
      } finally {
        renewing = false;
      }
    };
    const timer = setInterval(() => void (renewing || renew()), Math.max(1, Math.floor(this.leaseMs / 3)));
    const stop = () => {
      stopped = true;
      clearInterval(timer);
    };
    return {
      stop,
      get lost() {
        return lost;
      },
    };
  }

  private async failed(row: OutboxRecord, trigger: Trigger | undefined, error: unknown, seconds: number): Promise<void> {
    const { store, log } = this.options;
    const now = this.clock.now();
    const message = publicMessage(error);
    const context = { err: error, trigger: row.trigger, eventId: row.id, attempt: row.attempts };
    if (row.attempts >= this.maxAttempts(row)) {
      await store.dead(row.id, now, message, { owner: this.id });
      metrics.triggerDelivery(row.trigger, 'dead', seconds);
      log.error(context, 'trigger event dead-lettered after its last attempt');
      return;
    }
    const delay = retryDelay(row.attempts, trigger?.backoff);
    await store.retryAt(row.id, this.id, new Date(now.getTime() + delay), message);
    metrics.triggerDelivery(row.trigger, 'retry', seconds);
    log.warn({ ...context, retryInMs: delay }, 'trigger delivery failed; retrying');
  }
}
