import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgAdminUrl, type TestDatabase } from '../support/databases.ts';
import { deferred } from '../support/deferred.ts';
import { postGraphQL } from './support/http.ts';
import { createRealtimeDatabase, type Instance, startInstance } from './support/realtime-instance.ts';
import { hasRedis, startRedis, type TestRedis } from '../support/redis-server.ts';
import { type TestWsClient, wsClient } from './support/ws-client.ts';

const CHANGED = 'subscription ($after: String) { postChanged(after: $after) { kind cursor node { title views rating createdAt } } }';

/** A logger whose lines the test can wait for. */
function capturingLogger() {
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const log = pino(
    { level: 'info' },
    {
      write(line: string) {
        lines.push(line);
        for (const w of waiters.filter((w) => w.pattern.test(line))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      },
    },
  );
  const logged = (pattern: RegExp) => {
    if (lines.some((l) => pattern.test(l))) return Promise.resolve();
    const d = deferred();
    waiters.push({ pattern, resolve: d.resolve });
    return d.promise;
  };
  return { log, lines, logged };
}

// Two instances, two ports, one Redis, one database (PostgreSQL when available, else a shared SQLite file).
describe.skipIf(!hasRedis)('pub/sub across instances through Redis', () => {
  let redis: TestRedis;
  let db: TestDatabase;
  let a: Instance;
  let b: Instance;
  const logsA = capturingLogger();
  const clients: TestWsClient[] = [];
  let authorId: number;
  const data = (title: string) => ({ slug: title, title, rating: '4.25', views: '9007199254740993' });
  /** Creates a post through instance `via`'s GraphQL API (the write pipeline publishes the change). */
  const createPost = async (via: Instance, title: string) => {
    const result = await postGraphQL(via.httpUrl, 'mutation ($d: PostCreateInput!) { createPost(data: $d) { id } }', {
      d: { ...data(title), author: { connect: { id: authorId } } },
    });
    expect(result.errors).toBeUndefined();
  };
  /** Writes a post directly and publishes its change through instance `via`'s sink. */
  const publishPost = async (via: Instance, title: string) => {
    const row = await via.app.db.prisma.post.create({ data: { ...data(title), authorId } });
    via.app.realtime.publish([{ model: 'Post', kind: 'CREATED', key: { id: row.id }, row }]);
  };
  const connect = (to: Instance) => {
    const client = wsClient(to.wsUrl);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await startRedis();
    db = await createRealtimeDatabase(pgAdminUrl ? 'postgresql' : 'sqlite');
    const env = { REDIS_URL: redis.url, STRATA_REALTIME_REDIS_PREFIX: `strata-test-${process.pid}` };
    a = await startInstance(db.url, env, { log: logsA.log });
    b = await startInstance(db.url, env);
    expect(a.app.realtime.hub.shared && b.app.realtime.hub.shared).toBe(true);
    authorId = (await a.app.db.prisma.user.create({ data: { email: 'redis@example.com' } })).id;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await a?.close();
    await b?.close();
    await db?.drop();
    await redis?.stop();
  });

  it('delivers a mutation on instance A to subscribers on A and B, with one shared numbering and lossless scalars', async () => {
    const onA = connect(a).subscribe(CHANGED);
    const onB = connect(b).subscribe(CHANGED);
    await Promise.all([a.until((s) => s.subscriptions === 1), b.until((s) => s.subscriptions === 1)]);
    await createPost(a, 'Across instances');
    const [fromA, fromB] = [(await onA.next()).data.postChanged, (await onB.next()).data.postChanged];
    expect(fromB).toMatchObject({ kind: 'CREATED', node: { title: 'Across instances', views: '9007199254740993', rating: '4.25' } });
    expect(fromB.cursor).toBe(fromA.cursor);
  });

  it('resumes on instance B from a cursor handed out by instance A', async () => {
    const onA = connect(a).subscribe(CHANGED);
    await a.until((s) => s.subscriptions === 2);
    await publishPost(a, 'Seen on A');
    const cursor = (await onA.next()).data.postChanged.cursor;
    await publishPost(a, 'Missed 1');
    await publishPost(b, 'Missed 2');
    await onA.next();
    await onA.next();
    const resumed = connect(b).subscribe(CHANGED, { after: cursor });
    expect((await resumed.next()).data.postChanged.node.title).toBe('Missed 1');
    expect((await resumed.next()).data.postChanged.node.title).toBe('Missed 2');
  });

  it('keeps delivering on each instance while Redis is down, logs it, and reaches every instance again once Redis is back', async () => {
    const onA = connect(a).subscribe(CHANGED);
    const onB = connect(b).subscribe(CHANGED);
    await Promise.all([a.until((s) => s.subscriptions === 3), b.until((s) => s.subscriptions === 2)]);
    await redis.stop();
    await logsA.logged(/Redis unavailable/);
    await publishPost(a, 'During the outage');
    expect((await onA.next()).data.postChanged.node.title).toBe('During the outage');

    await redis.start();
    expect(await a.app.realtime.hub.ready(15_000)).toBe(true);
    expect(await b.app.realtime.hub.ready(15_000)).toBe(true);
    await logsA.logged(/Redis reconnected/);
    await publishPost(a, 'After the outage');
    expect((await onA.next()).data.postChanged.node.title).toBe('After the outage');
    // B never saw the outage's event (it was only delivered on A): its next event is the one after.
    expect((await onB.next()).data.postChanged.node.title).toBe('After the outage');
  });
});
