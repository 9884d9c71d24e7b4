import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { hasRedis, startRedis, type TestRedis } from '../support/redis-server.ts';
import { createRealtimeDatabase, type Instance, startInstance } from './support/realtime-instance.ts';
import { type TestWsClient, wsClient } from './support/ws-client.ts';

const CHANGED = 'subscription ($after: String) { postChanged(after: $after) { kind cursor node { title } } }';

/**
 * A Redis restored from a snapshot numbers events again from the snapshot's
 * count: the numbers clients hold are reused by new events. A client resuming
 * from such a cursor must get every event after it or be told to resync
 * (CURSOR_EXPIRED), never a silent gap.
 */
describe.skipIf(!hasRedis)('resuming after Redis rewinds its numbering', () => {
  let redis: TestRedis;
  let db: TestDatabase;
  let server: Instance;
  const clients: TestWsClient[] = [];
  let authorId: number;
  const publishPost = async (title: string) => {
    const row = await server.app.db.prisma.post.create({ data: { slug: title, title, authorId } });
    server.app.realtime.publish([{ model: 'Post', kind: 'CREATED', key: { id: row.id }, row }]);
  };
  const connect = () => {
    const client = wsClient(server.wsUrl);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await startRedis({ persist: true });
    db = await createRealtimeDatabase('sqlite');
    server = await startInstance(db.url, { REDIS_URL: redis.url, STRATA_REALTIME_REDIS_PREFIX: `strata-rewind-${process.pid}` });
    authorId = (await server.app.db.prisma.user.create({ data: { email: 'rewind@example.com' } })).id;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.close();
    await db?.drop();
    await redis?.remove();
  });

  it('answers CURSOR_EXPIRED to a cursor whose number a restored snapshot reuses, and resumes cursors from before the snapshot point', async () => {
    const live = connect().subscribe(CHANGED);
    await server.until((s) => s.subscriptions === 1);
    await publishPost('Before snapshot');
    const atSnapshot = (await live.next()).data.postChanged.cursor;
    const admin = new Redis(redis.url);
    await admin.save();
    await admin.quit();
    let last = '';
    for (let i = 0; i < 10; i++) {
      await publishPost(`After snapshot ${i}`);
      last = (await live.next()).data.postChanged.cursor;
    }

    await redis.stop();
    await redis.start();
    expect(await server.app.realtime.hub.ready(15_000)).toBe(true);
    const resumedLive = connect().subscribe(CHANGED);
    await server.until((s) => s.subscriptions === 2);
    for (let i = 0; i < 12; i++) {
      await publishPost(`After restore ${i}`);
      await resumedLive.next();
    }

    const fromLast = await connect().subscribe(CHANGED, { after: last }).ended();
    expect((fromLast.error as any[])[0].extensions).toMatchObject({ reason: 'CURSOR_EXPIRED' });
    // The snapshot's own last event is the one Redis remembers: all twelve events after it replay.
    const fromSnapshot = connect().subscribe(CHANGED, { after: atSnapshot });
    const titles: string[] = [];
    for (let i = 0; i < 12; i++) titles.push((await fromSnapshot.next()).data.postChanged.node.title);
    expect(titles).toEqual(Array.from({ length: 12 }, (_, i) => `After restore ${i}`));
  });
});
