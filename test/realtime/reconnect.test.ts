import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { deferred } from '../support/deferred.ts';
import { createRealtimeDatabase, type Instance, startInstance } from './support/realtime-instance.ts';
import { wsClient } from './support/ws-client.ts';

const CHANGED = 'subscription ($after: String) { postChanged(after: $after) { kind cursor node { title } } }';

describe('reconnecting and resuming', () => {
  let db: TestDatabase;
  let server: Instance;
  let authorId: number;
  const publishPost = async (target: Instance, title: string) => {
    const row = await target.app.db.prisma.post.create({ data: { slug: title, title, authorId } });
    target.app.realtime.publish([{ model: 'Post', kind: 'CREATED', key: { id: row.id }, row }]);
  };

  beforeAll(async () => {
    db = await createRealtimeDatabase('sqlite');
    server = await startInstance(db.url);
    authorId = (await server.app.db.prisma.user.create({ data: { email: 'resume@example.com' } })).id;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('resubscribes after the server closes the connection (graphql-ws retry), and replays the gap when the client passes its last cursor', async () => {
    let gate = deferred();
    const client = wsClient(server.wsUrl, { retryAttempts: 5, retryWait: () => gate.promise });
    const changes = client.subscribe(CHANGED, {});
    // The documented recipe: keep the last cursor in the subscription's variables, which graphql-ws resends on retry.
    const remember = (result: any) => {
      if (result.data?.postChanged) changes.payload.variables.after = result.data.postChanged.cursor;
      return result;
    };
    await server.until((s) => s.subscriptions === 1);
    await publishPost(server, 'Before the gap');
    expect(remember(await changes.next()).data.postChanged.node.title).toBe('Before the gap');

    server.ws.closeAll(1012, 'Service restart');
    expect((await client.closed()).code).toBe(1012);
    await server.until((s) => s.subscriptions === 0);
    await publishPost(server, 'In the gap 1');
    await publishPost(server, 'In the gap 2');
    gate.resolve();
    gate = deferred();

    await server.until((s) => s.subscriptions === 1);
    await publishPost(server, 'After the gap');
    const titles = [];
    for (let i = 0; i < 3; i++) titles.push(remember(await changes.next()).data.postChanged.node.title);
    expect(titles).toEqual(['In the gap 1', 'In the gap 2', 'After the gap']);
    await client.dispose();
    await server.until((s) => s.subscriptions === 0);
  });

  it('refuses to resume from a cursor older than the replay buffer, so the client knows to refetch', async () => {
    const small = await startInstance(db.url, { STRATA_REALTIME_REPLAY_SIZE: '2' });
    try {
      const client = wsClient(small.wsUrl);
      const first = client.subscribe(CHANGED, {});
      await small.until((s) => s.subscriptions === 1);
      await publishPost(small, 'Kept 0');
      const cursor = (await first.next()).data.postChanged.cursor;
      for (const title of ['Kept 1', 'Kept 2', 'Kept 3']) await publishPost(small, title);
      for (let i = 0; i < 3; i++) await first.next();

      // An `error` message (the client's error handler), not a `next` result without data.
      const expired = client.subscribe(CHANGED, { after: cursor });
      const { error } = await expired.ended();
      expect((error as any[])[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CURSOR_EXPIRED' });
      expect(expired.received).toEqual([]);
      // The buffer holds the last two events: resuming after "Kept 1" still works.
      const resumed = client.subscribe(CHANGED, { after: cursorOf(first, 1) });
      expect((await resumed.next()).data.postChanged.node.title).toBe('Kept 2');
      expect((await resumed.next()).data.postChanged.node.title).toBe('Kept 3');
      await client.dispose();
    } finally {
      await small.close();
    }
  });
});

/** The cursor of the n-th result (0-based) a stream received. */
function cursorOf(stream: { received: any[] }, n: number): string {
  return stream.received[n].data.postChanged.cursor;
}
