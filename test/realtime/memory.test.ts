import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { createRealtimeDatabase, type Instance, startInstance } from './support/realtime-instance.ts';
import { sseSubscribe } from './support/sse-client.ts';
import { wsClient } from './support/ws-client.ts';

const CYCLES = 100;
const PER_CYCLE = 5;

describe('resources after many subscribe/unsubscribe cycles', () => {
  let db: TestDatabase;
  let server: Instance;
  let authorId: number;

  beforeAll(async () => {
    db = await createRealtimeDatabase('sqlite');
    server = await startInstance(db.url);
    authorId = (await server.app.db.prisma.user.create({ data: { email: 'memory@example.com' } })).id;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('returns the feed (groups, subscriptions, tracked rows, queues) and the socket count to zero', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    // vitest.config.ts runs the workers with --expose-gc: without it the heap bound below would never be checked.
    if (!gc) throw new Error('global.gc is missing: run the tests with --expose-gc (vitest.config.ts execArgv)');
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const post = await server.app.db.prisma.post.create({ data: { slug: 'mem', title: 'Memory', authorId } });
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const client = wsClient(server.wsUrl);
      const streams = Array.from({ length: PER_CYCLE }, (_, i) =>
        client.subscribe('subscription ($w: PostWhereInput) { postChanged(where: $w) { node { id author { email } } } }', {
          w: { title: { startsWith: `Mem${'o'.repeat(i % 2)}` } },
        }),
      );
      await server.until((s) => s.subscriptions === PER_CYCLE);
      server.app.realtime.publish([{ model: 'Post', kind: 'UPDATED', key: { id: post.id }, row: post }]);
      await Promise.all(streams.map((s) => s.next()));
      // Identical operations share one execution: two distinct wheres, two tracked rows.
      expect(server.app.realtime.feed.stats()).toMatchObject({ subscriptions: 2, tracked: 2 });
      // Alternate: end the operations one by one, or drop the whole connection.
      if (cycle % 2) streams.forEach((s) => s.dispose());
      await client.dispose();
      await server.until((s) => s.subscriptions === 0);
    }
    for (let cycle = 0; cycle < 20; cycle++) {
      const stream = sseSubscribe(server.httpUrl, 'subscription { postChanged { kind } }');
      await server.until((s) => s.subscriptions === 1);
      stream.abort();
      await server.until((s) => s.subscriptions === 0);
    }
    await server.untilConnections(0);
    expect(server.app.realtime.feed.stats()).toEqual({ groups: 0, subscriptions: 0, tracked: 0, pending: 0 });
    expect(server.ws.shared()).toEqual({ operations: 0, readers: 0 });
    gc();
    // Only a loose bound: the assertion that matters is on the maps above.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });
});
