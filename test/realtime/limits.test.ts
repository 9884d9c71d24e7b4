import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { createRealtimeDatabase, type Instance, startInstance } from './support/realtime-instance.ts';
import { rawSocket } from './support/raw-socket.ts';
import { wsClient } from './support/ws-client.ts';

describe('websocket limits', () => {
  let db: TestDatabase;
  let server: Instance;
  let authorId: number;
  const subscribe = (id: string, query: string) => ({ id, type: 'subscribe', payload: { query } });

  beforeAll(async () => {
    db = await createRealtimeDatabase('sqlite');
    server = await startInstance(db.url, {
      STRATA_WS_MAX_SUBSCRIPTIONS: '2',
      STRATA_WS_INIT_TIMEOUT_MS: '300',
      STRATA_WS_MAX_PAYLOAD_BYTES: '2048',
      STRATA_REALTIME_QUEUE_SIZE: '8',
      STRATA_REALTIME_SLOW_GRACE_MS: '300',
    });
    authorId = (await server.app.db.prisma.user.create({ data: { email: 'limits@example.com' } })).id;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('fails operations past the per-connection maximum with RATE_LIMITED, and accepts new ones once others end', async () => {
    const client = wsClient(server.wsUrl);
    const first = client.subscribe('subscription { postChanged { kind } }');
    client.subscribe('subscription { userChanged { kind } }');
    await server.until((s) => s.subscriptions === 2);
    const third = client.subscribe('subscription { tagChanged { kind } }');
    const { error } = await third.ended();
    expect((error as { extensions: { code: string } }[])[0].extensions.code).toBe('RATE_LIMITED');
    first.dispose();
    await server.until((s) => s.subscriptions === 1);
    client.subscribe('subscription { tagChanged { kind } }');
    await server.until((s) => s.subscriptions === 2);
    await client.dispose();
    await server.until((s) => s.subscriptions === 0);
  });

  it('closes a socket that sends no connection_init in time with 4408', async () => {
    const raw = rawSocket(server.wsUrl);
    await raw.opened();
    expect((await raw.closed()).code).toBe(4408);
  });

  it('closes a socket that sends a message over the size limit with 1009', async () => {
    const raw = rawSocket(server.wsUrl);
    await raw.init();
    raw.send(subscribe('1', `query { postsCount } # ${'x'.repeat(4096)}`));
    expect((await raw.closed()).code).toBe(1009);
  });

  it('pings every keep-alive interval and terminates a client that stops answering', async () => {
    const pinging = await startInstance(db.url, { STRATA_WS_KEEPALIVE_MS: '100' });
    const alive = rawSocket(pinging.wsUrl);
    await alive.init();
    for (let i = 0; i < 3; i++) await alive.pings.next();
    expect(alive.socket.readyState).toBe(alive.socket.OPEN);
    alive.socket.close();

    const silent = rawSocket(pinging.wsUrl, { autoPong: false });
    await silent.init();
    await silent.pings.next();
    expect((await silent.closed()).code).toBe(1006);
    await pinging.close();
  });

  it('lets a fast client take a burst larger than the queue', async () => {
    const client = wsClient(server.wsUrl);
    const changes = client.subscribe('subscription { postChanged { node { id } } }');
    await server.until((s) => s.subscriptions === 1);
    const rows = await Promise.all(
      Array.from({ length: 50 }, (_, i) => server.app.db.prisma.post.create({ data: { slug: `burst-${i}`, title: 'Burst', authorId } })),
    );
    server.app.realtime.publish(rows.map((row) => ({ model: 'Post', kind: 'CREATED' as const, key: { id: row.id }, row })));
    for (const row of rows) expect((await changes.next()).data.postChanged.node.id).toBe(row.id);
    await client.dispose();
    await server.until((s) => s.subscriptions === 0);
  });

  it('closes the websocket of a client that stops reading with 1013, dropping what it had queued', async () => {
    const body = 'y'.repeat(256 * 1024);
    const post = await server.app.db.prisma.post.create({ data: { slug: 'big', title: 'Big', body, authorId } });
    const slow = rawSocket(server.wsUrl);
    await slow.init();
    slow.send(subscribe('1', 'subscription { postChanged { node { body } } }'));
    await server.until((s) => s.subscriptions === 1);
    // Stop reading: the kernel buffers fill, then the subscription's queue, then it overflows.
    (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const event = { model: 'Post', kind: 'UPDATED' as const, key: { id: post.id }, row: post };
    server.app.realtime.publish(Array.from({ length: 200 }, () => event));
    await server.until((s) => s.subscriptions === 0);
    expect(server.app.realtime.feed.stats().pending).toBe(0);
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.closed(30_000);
    expect(closed.code).toBe(1013);
    expect(slow.messages.received.length).toBeLessThan(200);
  });

  it('ends an SSE subscription whose client stops reading with RATE_LIMITED', async () => {
    const body = 'w'.repeat(256 * 1024);
    const post = await server.app.db.prisma.post.create({ data: { slug: 'big-sse', title: 'Big SSE', body, authorId } });
    const response = await fetch(server.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { postChanged { node { body } } }' }),
    });
    await server.until((s) => s.subscriptions === 1);
    // Nobody reads the body: the socket, then the subscription's queue fill up.
    const event = { model: 'Post', kind: 'UPDATED' as const, key: { id: post.id }, row: post };
    server.app.realtime.publish(Array.from({ length: 200 }, () => event));
    await server.until((s) => s.subscriptions === 0);
    const text = await response.text();
    expect(text).toContain('RATE_LIMITED');
    expect(text.match(/event: next/g)!.length).toBeLessThan(200);
  });
});
