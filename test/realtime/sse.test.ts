import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers, type TestDatabase } from '../support/databases.ts';
import { createRealtimeDatabase, type Instance, startInstance } from './support/realtime-instance.ts';
import { sseSubscribe } from './support/sse-client.ts';

const CHANGED = 'subscription ($where: PostWhereInput) { postChanged(where: $where) { kind leaving node { title } } }';

describe.each(providers)('subscriptions over GraphQL over SSE on %s', (provider) => {
  let db: TestDatabase;
  let server: Instance;
  let alice: { id: number; token: string };
  const publishPost = async (title: string, published: boolean) => {
    const row = await server.app.db.prisma.post.create({ data: { slug: title, title, published, authorId: alice.id } });
    server.app.realtime.publish([{ model: 'Post', kind: 'CREATED', key: { id: row.id }, row }]);
  };

  beforeAll(async () => {
    db = await createRealtimeDatabase(provider);
    server = await startInstance(db.url, {}, { policy: undefined });
    const row = await server.app.db.prisma.user.create({ data: { email: 'sse@example.com' } });
    alice = { id: row.id, token: (await server.app.auth.sessions!.create(row.id)).token };
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('streams each subscriber the changes matching its own where, and cleans up when the client goes', async () => {
    const all = sseSubscribe(server.httpUrl, CHANGED);
    const titled = sseSubscribe(server.httpUrl, CHANGED, { where: { title: { startsWith: 'SSE B' } } });
    expect((await all.opened).headers.get('content-type')).toMatch(/text\/event-stream/);
    await server.until((s) => s.subscriptions === 2);
    await publishPost('SSE A', true);
    await publishPost('SSE B', true);
    expect((await all.next()).data.postChanged).toEqual({ kind: 'CREATED', leaving: false, node: { title: 'SSE A' } });
    expect((await all.next()).data.postChanged.node.title).toBe('SSE B');
    expect((await titled.next()).data.postChanged.node.title).toBe('SSE B');
    all.abort();
    titled.abort();
    await server.until((s) => s.subscriptions === 0);
  });

  it('resolves the viewer of an SSE subscription like any HTTP request (Authorization header, app rules)', async () => {
    const mine = sseSubscribe(server.httpUrl, CHANGED, {}, { authorization: `Bearer ${alice.token}` });
    const anonymous = sseSubscribe(server.httpUrl, CHANGED);
    await server.until((s) => s.subscriptions === 2);
    await publishPost('Alice draft over SSE', false);
    await publishPost('Alice post over SSE', true);
    expect((await mine.next()).data.postChanged.node.title).toBe('Alice draft over SSE');
    expect((await anonymous.next()).data.postChanged.node.title).toBe('Alice post over SSE');
    mine.abort();
    anonymous.abort();
    await server.until((s) => s.subscriptions === 0);
  });

  it('ends an SSE subscription with UNAUTHENTICATED once its session is revoked', async () => {
    const checked = await startInstance(db.url, { STRATA_REALTIME_SESSION_CHECK_MS: '100' }, { policy: undefined });
    try {
      const { token, session } = await checked.app.auth.sessions!.create(alice.id);
      const stream = sseSubscribe(checked.httpUrl, CHANGED, {}, { authorization: `Bearer ${token}` });
      await checked.until((s) => s.subscriptions === 1);
      await checked.app.auth.sessions!.revoke(session.id);
      expect((await stream.next()).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      await checked.until((s) => s.subscriptions === 0);
      stream.abort();
    } finally {
      await checked.close();
    }
  });
});
