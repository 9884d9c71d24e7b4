import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../src/base/change-event.ts';
import { type ChangeHub, createChangeHub } from '../../src/realtime/change-hub.ts';
import type { ReceivedBatch } from '../../src/realtime/change-hub.ts';
import { createRedisBroker } from '../../src/realtime/redis-broker.ts';
import { deferred } from '../support/deferred.ts';
import { hasRedis, startRedis, type TestRedis } from '../support/redis-server.ts';

const log = pino({ level: 'silent' });
const event = (id: number): ChangeEvent => ({ model: 'Post', kind: 'CREATED', key: { id }, row: { id } });

/** The replay history Redis keeps: what a hub that starts later reads back, and its bounds. */
describe.skipIf(!hasRedis)('the replay history in Redis', () => {
  let redis: TestRedis;
  const hubs: ChangeHub[] = [];
  const prefix = `strata-history-${process.pid}`;
  const hub = async (size: number) => {
    const created = createChangeHub({ broker: createRedisBroker({ url: redis.url, prefix, log, historySize: size }), replayBufferSize: size, log });
    hubs.push(created);
    expect(await created.ready(10_000)).toBe(true);
    return created;
  };
  /** Publishes `ids` one batch each through `via`, and resolves with the batches `via` received back. */
  const publish = async (via: ChangeHub, ids: number[]) => {
    const received: ReceivedBatch[] = [];
    const done = deferred();
    const stop = via.listen((batch) => {
      received.push(batch);
      if (received.length === ids.length) done.resolve();
    });
    for (const id of ids) via.publish([event(id)]);
    await done.promise;
    stop();
    return received;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(hubs.map((h) => h.close()));
    await redis?.remove();
  });

  it('keeps the last batches up to the replay size; a hub started later resumes within them, expires before them, and replays nothing at the head', async () => {
    const first = await hub(3);
    const batches = await publish(first, [1, 2, 3, 4, 5]);
    const admin = new Redis(redis.url);
    expect(await admin.llen(`${prefix}:history`)).toBe(3);
    await admin.quit();

    const later = await hub(3);
    const cursorOf = (b: ReceivedBatch) => ({ space: b.space, seq: b.first, tag: b.tag });
    expect(later.since(cursorOf(batches[1]))?.map((e) => e.event.key)).toEqual([{ id: 3 }, { id: 4 }, { id: 5 }]);
    expect(later.since(cursorOf(batches[0]))).toBeNull();
    expect(later.since(cursorOf(batches[4]))).toEqual([]);
    // The history filled the buffer only: nothing was delivered to its listeners, and live batches continue it.
    expect(later.ordinal).toBe(0);
    const [next] = await publish(later, [6]);
    expect(later.since(cursorOf(batches[4]))?.map((e) => e.event.key)).toEqual([{ id: 6 }]);
    expect(next.first).toBe(batches[4].first + 1);
  });
});
