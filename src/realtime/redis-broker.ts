import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type Broker, LOCAL_TAG, newSpace, newTag, type NumberedBatch } from './broker.ts';
import type { ChangeEvent } from './change-event.ts';
import { type DecimalFactory, decodeValue, encodeValue } from './event-codec.ts';

export interface RedisBrokerOptions {
  url: string;
  /** Prefix of the keys and the channel. @default strata:realtime */
  prefix?: string;
  log: Logger;
  /** Builds Decimals of received rows. @default keeps them as strings */
  decimal?: DecimalFactory;
}

/**
 * Numbers a batch and publishes it in one atomic step, so the numbering
 * follows the order in which every subscriber receives the messages. The
 * space is created once per Redis dataset: a flushed Redis starts a new one.
 * A Redis restored from a snapshot numbers again from the snapshot's count;
 * each message carries its batch's tag and the tag of the batch before it,
 * so replay buffers tell reused numbers from the events a cursor saw.
 */
const publishScript = `
local space = redis.call('GET', KEYS[2])
if not space then
  space = ARGV[3]
  redis.call('SET', KEYS[2], space)
  redis.call('SET', KEYS[1], 0)
  redis.call('DEL', KEYS[4])
end
local prev = redis.call('GET', KEYS[4]) or ''
redis.call('SET', KEYS[4], ARGV[4])
local last = redis.call('INCRBY', KEYS[1], ARGV[1])
local first = last - tonumber(ARGV[1]) + 1
redis.call('PUBLISH', KEYS[3], space .. '|' .. first .. '|' .. ARGV[4] .. '|' .. prev .. '|' .. ARGV[2])
return first`;

/** Most local-fallback batches remembered, to skip their echo should Redis have published them after all. */
const MAX_REMEMBERED = 10_000;

/**
 * Redis pub/sub between instances. Every instance, the publisher included,
 * delivers what comes back on the channel, so all share one order and one
 * numbering. While Redis is unreachable (or this instance's subscription is
 * down) batches are delivered locally in a local numbering, the outage is
 * logged once, and ioredis reconnects in the background.
 */
export function createRedisBroker({ url, prefix = 'strata:realtime', log, decimal }: RedisBrokerOptions): Broker {
  const origin = newSpace();
  const localSpace = newSpace();
  let localNext = 1;
  let batchId = 0;
  const deliveredLocally = new Set<number>();
  const keys = { seq: `${prefix}:seq`, space: `${prefix}:space`, channel: `${prefix}:changes`, tag: `${prefix}:tag` };
  const options = { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: false };
  const pub = new Redis(url, { ...options, connectionName: 'strata-realtime-pub' });
  const sub = new Redis(url, { ...options, connectionName: 'strata-realtime-sub' });
  pub.defineCommand('strataPublish', { numberOfKeys: 4, lua: publishScript });
  let receive: ((batch: NumberedBatch) => void) | undefined;
  let subscribed = false;
  let down = false;
  let closed = false;
  let onShared: (() => void)[] = [];
  const isShared = () => subscribed && pub.status === 'ready';
  /** Runs once both connections are up: start-up waiters resolve, and an outage ends. */
  const whenShared = () => {
    if (!isShared()) return;
    for (const resolve of onShared) resolve();
    onShared = [];
    if (down) {
      down = false;
      log.info('realtime: Redis reconnected, changes reach every instance again');
    }
  };

  const outage = (why: string, error?: unknown) => {
    if (down || closed) return;
    down = true;
    log.warn({ err: error, why }, 'realtime: Redis unavailable, changes reach this instance only until it reconnects');
  };
  for (const client of [pub, sub]) {
    client.on('error', (error) => outage('connection error', error));
    client.on('close', () => {
      if (client === sub) subscribed = false;
      outage('connection closed');
    });
  }
  sub.on('ready', () => {
    sub.subscribe(keys.channel).then(
      () => {
        subscribed = true;
        whenShared();
      },
      (error) => outage('subscribe failed', error),
    );
  });
  pub.on('ready', whenShared);
  sub.on('message', (_channel: string, message: string) => {
    const [space, first, tag, prevTag, from, id] = message.split('|', 6);
    if (from === origin && deliveredLocally.delete(Number(id))) return;
    const payload = message.slice([space, first, tag, prevTag, from, id].reduce((n, part) => n + part.length + 1, 0));
    try {
      receive?.({ space, first: Number(first), tag, prevTag: prevTag || undefined, events: decodeValue(payload, decimal) as ChangeEvent[] });
    } catch (error) {
      log.error({ err: error }, 'realtime: unreadable change message ignored');
    }
  });

  const deliverLocally = (id: number, events: ChangeEvent[]) => {
    deliveredLocally.add(id);
    if (deliveredLocally.size > MAX_REMEMBERED) deliveredLocally.delete(deliveredLocally.values().next().value!);
    const batch = { space: localSpace, first: localNext, tag: LOCAL_TAG, prevTag: LOCAL_TAG, events };
    localNext += events.length;
    queueMicrotask(() => receive?.(batch));
  };

  return {
    get shared() {
      return isShared();
    },
    publish(events) {
      const id = ++batchId;
      // Our own subscription is down: the echo would never arrive, so deliver here (others still get it via Redis).
      if (!subscribed) deliverLocally(id, events);
      if (pub.status !== 'ready') {
        if (subscribed) deliverLocally(id, events);
        outage('publisher not connected');
        return;
      }
      const message = `${origin}|${id}|${encodeValue(events)}`;
      (pub as unknown as { strataPublish(...args: unknown[]): Promise<number> })
        .strataPublish(keys.seq, keys.space, keys.channel, keys.tag, events.length, message, newSpace(), newTag())
        .catch((error: unknown) => {
          if (subscribed && !deliveredLocally.has(id)) deliverLocally(id, events);
          outage('publish failed', error);
        });
    },
    onBatch(handler) {
      receive = handler;
    },
    ready(timeoutMs) {
      if (isShared()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        onShared.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      closed = true;
      pub.disconnect();
      sub.disconnect();
    },
  };
}
