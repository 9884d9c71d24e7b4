import type { Logger } from 'pino';
import type { RealtimeConfig } from '../base/config.ts';
import type { Context } from '../base/context.ts';
import { AppError } from '../base/errors.ts';
import { createLocalBroker } from './broker.ts';
import type { ChangeEvent, ChangeSink } from '../base/change-event.ts';
import { ChangeFeed } from './change-feed.ts';
import { type ChangeHub, createChangeHub } from './change-hub.ts';
import type { DecimalFactory } from '../base/json.ts';
import { createRedisBroker } from './redis-broker.ts';

/** An extra row filter of a viewer for a model, on top of the read rules: `{}` all rows, null none (a test seam). */
export type ReadFilter = (ctx: Context, model: string) => Record<string, unknown> | null;

const brand = Symbol.for('strata.realtime');

/**
 * An app's realtime service. It is the app's {@link ChangeSink} (`ctx.changes`):
 * writes publish into it, subscriptions read from its feed.
 */
export interface Realtime extends ChangeSink {
  readonly [brand]: true;
  hub: ChangeHub;
  feed: ChangeFeed;
  config: RealtimeConfig;
  /** An extra row filter subscriptions apply on top of the read rules, if any (tests). */
  readFilter?: ReadFilter;
  close(): Promise<void>;
}

export interface CreateRealtimeOptions {
  config: RealtimeConfig;
  log: Logger;
  /** An extra row filter for subscriptions, on top of the read rules (a test seam). @default none */
  readFilter?: ReadFilter;
  /** Rebuilds Decimals of rows received from Redis (Prisma's `Decimal`). @default strings */
  decimal?: DecimalFactory;
  /** How long start-up waits for Redis before serving with local delivery only. @default 5000 */
  redisWaitMs?: number;
}

/** Builds the hub (in-process, or Redis when `config.redisUrl` is set) and the feed. */
export async function createRealtime({ config, log, readFilter, decimal, redisWaitMs = 5000 }: CreateRealtimeOptions): Promise<Realtime> {
  const broker = config.redisUrl
    ? createRedisBroker({ url: config.redisUrl, prefix: config.redisPrefix, log, decimal, historySize: config.replayBufferSize })
    : createLocalBroker();
  const hub = createChangeHub({ broker, replayBufferSize: config.replayBufferSize, log });
  if (config.redisUrl && !(await hub.ready(redisWaitMs))) {
    log.warn({ waitedMs: redisWaitMs }, 'realtime: Redis not reachable at start-up; serving with local delivery while it retries');
  }
  const feed = new ChangeFeed({
    hub,
    queueSize: config.queueSize,
    slowGraceMs: config.slowConsumerGraceMs,
    trackedRows: config.trackedRowsPerSubscription,
    log,
  });
  return {
    [brand]: true,
    hub,
    feed,
    config,
    readFilter,
    publish: (events: ChangeEvent[]) => hub.publish(events),
    async close() {
      feed.close();
      await hub.close();
    },
  };
}

/** The realtime service behind `ctx.changes`; an error when subscriptions are not wired. */
export function realtimeOf(ctx: Pick<Context, 'changes'>): Realtime {
  const sink = ctx.changes as Partial<Realtime>;
  if (sink?.[brand]) return sink as Realtime;
  throw new AppError('INTERNAL_SERVER_ERROR', 'Subscriptions are not enabled on this server');
}
