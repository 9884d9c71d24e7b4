import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { createRealtimeDatabase, type Instance, startInstance } from './support/realtime-instance.ts';
import { rawSocket } from './support/raw-socket.ts';
import { type TestWsClient, wsClient } from './support/ws-client.ts';

const ADMIN_SECRET = 'sharing-test-admin-secret-0123456789abcdef';
const FEED = 'subscription { postChanged(where: { published: { equals: true } }) { kind node { id title body } } }';

describe('identical websocket subscriptions share one execution', () => {
  let db: TestDatabase;
  let server: Instance;
  let authorId: number;
  const clients: TestWsClient[] = [];
  const connect = (params?: Record<string, unknown>) => {
    const client = wsClient(server.wsUrl, { connectionParams: params });
    clients.push(client);
    return client;
  };
  const publish = async (title: string, body = '') => {
    const row = await server.app.db.prisma.post.create({ data: { slug: title, title, body, published: true, authorId } });
    server.app.realtime.publish([{ model: 'Post', kind: 'CREATED', key: { id: row.id }, row }]);
  };

  beforeAll(async () => {
    db = await createRealtimeDatabase('sqlite');
    server = await startInstance(db.url, {
      STRATA_ADMIN_SECRET: ADMIN_SECRET,
      STRATA_REALTIME_QUEUE_SIZE: '8',
      STRATA_REALTIME_SLOW_GRACE_MS: '300',
    });
    authorId = (await server.app.db.prisma.user.create({ data: { email: 'share@example.com' } })).id;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.close();
    await db?.drop();
  });

  it('runs one feed subscription and one query per event for many connections with the same operation and viewer', async () => {
    const streams = Array.from({ length: 20 }, () => connect().subscribe(FEED));
    const admin = connect({ adminSecret: ADMIN_SECRET }).subscribe(FEED);
    const resumable = connect().subscribe('subscription ($after: String) { postChanged(after: $after) { kind } }', {});
    await server.until((s) => s.subscriptions === 22);
    // The anonymous readers share; the admin is another viewer; an operation taking `after` never shares.
    expect(server.ws.shared()).toEqual({ operations: 2, readers: 21 });
    expect(server.app.realtime.feed.stats().subscriptions).toBe(3);
    const before = server.app.db.statements.count;
    await publish('Shared');
    const results = await Promise.all([...streams, admin].map((s) => s.next()));
    await resumable.next();
    expect(new Set(results.map((r) => r.data.postChanged.node.title))).toEqual(new Set(['Shared']));
    // One insert, then one load per distinct subscription (the `after` one selects no node columns beyond its own query).
    expect(server.app.db.statements.count - before).toBeLessThanOrEqual(1 + 3);
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await server.until((s) => s.subscriptions === 0);
    expect(server.ws.shared()).toEqual({ operations: 0, readers: 0 });
  });

  it('closes a slow reader of a shared operation with 1013 while the others keep receiving', async () => {
    const fast = connect().subscribe(FEED);
    const slow = rawSocket(server.wsUrl);
    await slow.init();
    slow.send({ id: '1', type: 'subscribe', payload: { query: FEED } });
    await server.until((s) => s.subscriptions === 2);
    (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const body = 'z'.repeat(256 * 1024);
    // Publish at the fast reader's pace: it never lags, while the paused one fills its buffers, then its queue.
    let slowGone = false;
    void server.until((s) => s.subscriptions === 1).then(() => (slowGone = true));
    let sent = 0;
    while (!slowGone && sent < 400) {
      await publish(`Big ${sent}`, body);
      expect((await fast.next()).data.postChanged.node.title).toBe(`Big ${sent}`);
      sent++;
    }
    expect(slowGone).toBe(true);
    await publish('After the slow one left');
    expect((await fast.next()).data.postChanged.node.title).toBe('After the slow one left');
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await slow.closed(30_000)).code).toBe(1013);
  });
});
