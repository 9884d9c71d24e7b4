import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { providers, type TestDatabase } from '../support/databases.ts';
import { createRealtimeDatabase, type Instance, startInstance } from './support/realtime-instance.ts';
import { wsClient } from './support/ws-client.ts';

const DRAFTS = 'subscription { postChanged { node { title author { email } } } }';

describe.each(providers)('websocket authentication on %s', (provider) => {
  let db: TestDatabase;
  let server: Instance;
  let strict: Instance;
  let checked: Instance;
  let alice: { id: number; token: string };

  beforeAll(async () => {
    db = await createRealtimeDatabase(provider);
    server = await startInstance(db.url, {}, { policy: undefined });
    strict = await startInstance(db.url, { STRATA_REALTIME_REQUIRE_AUTH: 'true' }, { policy: undefined });
    checked = await startInstance(db.url, { STRATA_REALTIME_SESSION_CHECK_MS: '100' }, { policy: undefined });
    const row = await server.app.db.prisma.user.create({ data: { email: 'alice@example.com' } });
    alice = { id: row.id, token: (await server.app.auth.sessions!.create(row.id)).token };
  });
  afterAll(async () => {
    await checked?.close();
    await strict?.close();
    await server?.close();
    await db?.drop();
  });

  /** Publishes a draft of Alice's: only Alice (app/rules.ts) may see it. */
  const aliceDraft = async (target: Instance, title: string) => {
    const row = await target.app.db.prisma.post.create({ data: { slug: title, title, authorId: alice.id } });
    target.app.realtime.publish([{ model: 'Post', kind: 'CREATED', key: { id: row.id }, row }]);
  };

  it('resolves the viewer from a session token in the connection_init payload', async () => {
    const client = wsClient(server.wsUrl, { connectionParams: { authorization: `Bearer ${alice.token}` } });
    const changes = client.subscribe(DRAFTS);
    await server.until((s) => s.subscriptions === 1);
    await aliceDraft(server, 'Token draft');
    expect((await changes.next()).data.postChanged.node).toEqual({ title: 'Token draft', author: { email: 'alice@example.com' } });
    await client.dispose();
    await server.until((s) => s.subscriptions === 0);
  });

  it('resolves the viewer from the session cookie of the upgrade request', async () => {
    class CookieSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie: `strata_session=${alice.token}` } });
      }
    }
    const client = wsClient(server.wsUrl, { webSocketImpl: CookieSocket });
    const changes = client.subscribe(DRAFTS);
    await server.until((s) => s.subscriptions === 1);
    await aliceDraft(server, 'Cookie draft');
    expect((await changes.next()).data.postChanged.node.title).toBe('Cookie draft');
    await client.dispose();
    await server.until((s) => s.subscriptions === 0);
  });

  it('closes the connection with 4403 for an invalid token', async () => {
    const client = wsClient(server.wsUrl, { connectionParams: { token: 'not-a-session' } });
    expect((await client.closed()).code).toBe(4403);
    await client.dispose();
  });

  it('closes an anonymous connection with 4401 when authentication is required, and accepts a signed-in one', async () => {
    const anonymous = wsClient(strict.wsUrl);
    expect((await anonymous.closed()).code).toBe(4401);
    await anonymous.dispose();
    const signedIn = wsClient(strict.wsUrl, { connectionParams: { token: alice.token } });
    await signedIn.connected();
    await signedIn.dispose();
  });

  describe('sessions checked again while the socket is open', () => {
    /** A fresh user with a session, connected to `checked` with one live subscription. */
    const connectUser = async (email: string) => {
      const row = await checked.app.db.prisma.user.create({ data: { email } });
      const { token, session } = await checked.app.auth.sessions!.create(row.id);
      const client = wsClient(checked.wsUrl, { connectionParams: { token } });
      await client.connected();
      return { row, session, client };
    };

    it.each([
      ['the session is revoked (signed out elsewhere)', 4401, (u: { session: { id: string } }) => checked.app.auth.sessions!.revoke(u.session.id)],
      ['the session expires', 4401, (u: { session: { id: string } }) => checked.app.db.prisma.strataSession.update({ where: { id: u.session.id }, data: { expiresAt: new Date(0) } })],
      ['the user is deleted', 4401, (u: { row: { id: number } }) => checked.app.db.prisma.user.delete({ where: { id: u.row.id } })],
      ['the user gets another role (4403: clients connect again)', 4403, (u: { row: { id: number } }) => checked.app.db.prisma.user.update({ where: { id: u.row.id }, data: { role: 'ADMIN' } })],
    ])('closes the socket when %s, and keeps an untouched one open', async (label, code, change) => {
      const slug = label.replace(/\W+/g, '-');
      const kept = await connectUser(`kept-${slug}@example.com`);
      const ended = await connectUser(`ended-${slug}@example.com`);
      await change(ended as never);
      expect((await ended.client.closed()).code).toBe(code);
      const changes = kept.client.subscribe('subscription { postChanged { node { title } } }');
      await checked.until((s) => s.subscriptions >= 1);
      const row = await checked.app.db.prisma.post.create({ data: { slug, title: slug, published: true, authorId: alice.id } });
      checked.app.realtime.publish([{ model: 'Post', kind: 'CREATED', key: { id: row.id }, row }]);
      expect((await changes.next()).data.postChanged.node.title).toBe(slug);
      await kept.client.dispose();
      await ended.client.dispose();
    });
  });
});
