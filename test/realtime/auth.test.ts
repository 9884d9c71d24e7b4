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
  let alice: { id: number; token: string };

  beforeAll(async () => {
    db = await createRealtimeDatabase(provider);
    server = await startInstance(db.url, {}, { policy: undefined });
    strict = await startInstance(db.url, { STRATA_REALTIME_REQUIRE_AUTH: 'true' }, { policy: undefined });
    const row = await server.app.db.prisma.user.create({ data: { email: 'alice@example.com' } });
    alice = { id: row.id, token: (await server.app.auth.sessions!.create(row.id)).token };
  });
  afterAll(async () => {
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
});
