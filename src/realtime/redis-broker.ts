import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type Broker, LOCAL_TAG, newSpace, newTag, type NumberedBatch } from './broker.ts';
import type { ChangeEvent } from '../base/change-event.ts';
import { type DecimalFactory, decodeValue, encodeValue } from '../base/json.ts';

export interface RedisBrokerOptions {
  url: string;
  /** Prefix of the keys and the channel. @default strata:realtime */
  prefix?: string;
  log: Logger;
  /** Builds Decimals of received rows. @default keeps them as strings */
  decimal?: DecimalFactory;
  /** Recent batches kept in Redis, read back into the replay buffer on every (re)connect. @default 10000 */
  historySize?: number;
}

/**
 * Numbers a batch and publishes it in one atomic step, so the numbering
 * follows the order in which every subscriber receives the messages. The
 * space is created once per Redis dataset: a flushed Redis starts a new one.
 * A Redis restored from a snapshot numbers again from the snapshot's count;
 * each message carries its batch's tag and the tag of the batch before it,
 * so replay buffers tell reused numbers from the events a cursor saw.
 * The same message is appended to a capped list (the history) in the same
 * step, so the history holds exactly the batches published, in their order.
 */
const publishScript = `
local space = redis.call('GET', KEYS[2])
if not space then
  space = ARGV[3]
  redis.call('SET', KEYS[2], space)
  redis.call('SET', KEYS[1], 0)
  redis.call('DEL', KEYS[4])
  redis.call('DEL', KEYS[5])
end
local prev = redis.call('GET', KEYS[4]) or ''
redis.call('SET', KEYS[4], ARGV[4])
local last = redis.call('INCRBY', KEYS[1], ARGV[1])
local first = last - tonumber(ARGV[1]) + 1
local message = space .. '|' .. first .. '|' .. ARGV[4] .. '|' .. prev .. '|' .. ARGV[2]
redis.call('PUBLISH', KEYS[3], message)
local keep = tonumber(ARGV[5])
if keep > 0 then
  redis.call('RPUSH', KEYS[5], message)
  redis.call('LTRIM', KEYS[5], -keep, -1)
end
return first`;

/** Splits a channel message (or a history entry) into its batch and its publisher's origin and id. */
function parseMessage(message: string, decimal: DecimalFactory | undefined): { batch: NumberedBatch; from: string; id: number } {
  const parts = message.split('|', 6);
  const [space, first, tag, prevTag, from, id] = parts;
  const payload = message.slice(parts.reduce((n, part) => n + part.length + 1, 0));
  const events = decodeValue(payload, decimal) as ChangeEvent[];
  return { batch: { space, first: Number(first), tag, prevTag: prevTag || undefined, events }, from, id: Number(id) };
}

/** Most local-fallback batches remembered, to skip their echo should Redis have published them after all. */
const MAX_REMEMBERED = 10_000;

/**
 * Redis pub/sub between instances. Every instance, the publisher included,
 * delivers what comes back on the channel, so all share one order and one
 * numbering. While Redis is unreachable (or this instance's subscription is
 * down) batches are delivered locally in a local numbering, the outage is
 * logged once, and ioredis reconnects in the background. Each time its
 * subscription starts (start-up, end of an outage) it reads the history back
 * into the replay buffer, holding live messages until then, so a restarted
 * or reconnected instance resumes every cursor the history still covers.
 */
export function createRedisBroker({ url, prefix = 'strata:realtime', log, decimal, historySize = 10_000 }: RedisBrokerOptions): Broker {
  const origin = newSpace();
  const localSpace = newSpace();
  let localNext = 1;
  let batchId = 0;
  const deliveredLocally = new Set<number>();
  const keys = { seq: `${prefix}:seq`, space: `${prefix}:space`, channel: `${prefix}:changes`, tag: `${prefix}:tag`, history: `${prefix}:history` };
  const options = { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: false };
  const pub = new Redis(url, { ...options, connectionName: 'strata-realtime-pub' });
  const sub = new Redis(url, { ...options, connectionName: 'strata-realtime-sub' });
  pub.defineCommand('strataPublish', { numberOfKeys: 5, lua: publishScript });
  let receive: ((batch: NumberedBatch) => void) | undefined;
  let subscribed = false;
  /** Set when the subscription (re)starts: live messages wait in `held` until the history is read. */
  let needsHistory = false;
  let loading = false;
  let held: string[] = [];
  let down = false;
  let closed = false;
  let onShared: (() => void)[] = [];
  const isShared = () => subscribed && !needsHistory && pub.status === 'ready';
  /** Runs once both connections are up: the history is read, then start-up waiters resolve and an outage ends. */
  const whenShared = () => {
    if (subscribed && needsHistory && pub.status === 'ready' && !loading) loadHistory();
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
        needsHistory = true;
        whenShared();
      },
      (error) => outage('subscribe failed', error),
    );
  });
  pub.on('ready', whenShared);
  const onMessage = (message: string) => {
    try {
      const { batch, from, id } = parseMessage(message, decimal);
      if (from === origin && deliveredLocally.delete(id)) return;
      receive?.(batch);
    } catch (error) {
      log.error({ err: error }, 'realtime: unreadable change message ignored');
    }
  };
  sub.on('message', (_channel: string, message: string) => {
    if (!needsHistory) return onMessage(message);
    held.push(message);
    // The history cannot be read for too long (publisher connection down): deliver, and let older cursors expire.
    if (held.length >= MAX_REMEMBERED && !loading) {
      needsHistory = false;
      const waiting = held;
      held = [];
      for (const entry of waiting) onMessage(entry);
    }
  });
  /**
   * Reads the history (after the subscription started, so it overlaps the
   * held live messages rather than missing any) into the replay buffer, then
   * delivers the held messages. Without the history (Redis error) delivery
   * goes on and cursors older than this connection expire, as before.
   */
  const loadHistory = () => {
    loading = true;
    const finish = () => {
      loading = false;
      needsHistory = false;
      const waiting = held;
      held = [];
      for (const message of waiting) onMessage(message);
      whenShared();
    };
    pub.lrange(keys.history, 0, -1).then(
      (entries) => {
        let loaded = 0;
        for (const entry of entries) {
          try {
            receive?.({ ...parseMessage(entry, decimal).batch, history: true });
            loaded++;
          } catch (error) {
            log.error({ err: error }, 'realtime: unreadable history entry ignored');
          }
        }
        log.debug({ batches: loaded }, 'realtime: replay history loaded from Redis');
        finish();
      },
      (error: unknown) => {
        log.warn({ err: error }, 'realtime: reading the replay history from Redis failed; older cursors will expire');
        finish();
      },
    );
  };

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
        .strataPublish(keys.seq, keys.space, keys.channel, keys.tag, keys.history, events.length, message, newSpace(), newTag(), historySize)
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
