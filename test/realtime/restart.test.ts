import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { providers, type TestDatabase } from '../support/databases.ts';
import { within } from '../support/deferred.ts';
import { freePort } from '../support/free-port.ts';
import { hasRedis, startRedis, type TestRedis } from '../support/redis-server.ts';
import { waitForLine } from '../support/wait-for-line.ts';
import { createRealtimeDatabase, type Instance, startInstance } from './support/realtime-instance.ts';
import { type ResumingClient, startResumingClient } from './support/resuming-client.ts';
import { wsClient } from './support/ws-client.ts';

const fixture = path.resolve('test/realtime/fixtures/realtime-server.ts');
const CHANGED = 'subscription ($after: String) { postChanged(after: $after) { kind cursor node { title } } }';
const CREATE = 'mutation ($data: PostCreateInput!) { createPost(data: $data) { id } }';

/** A Strata server in a child process on a fixed port, so clients reconnect to the same address after kill -9. */
function childServer(env: Record<string, string>) {
  let child: ChildProcess | undefined;
  let url = '';
  return {
    get httpUrl() {
      return url;
    },
    get wsUrl() {
      return url.replace(/^http/, 'ws');
    },
    async start() {
      const proc = spawn(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
      child = proc;
      [, url] = await within(waitForLine(proc, /listening (http:\/\/\S+)/), 30_000, 'the server to listen');
    },
    /** kill -9: no shutdown hook runs, nothing is flushed. */
    async kill() {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await within(exited, 10_000, 'the server to exit');
    },
  };
}

async function graphql(url: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Reads `stream` up to the result titled `title`. */
async function nextTitled(stream: { next(): Promise<any> }, title: string) {
  for (let i = 0; i < 100; i++) {
    const result = await stream.next();
    if (result.data?.postChanged.node.title === title) return result;
  }
  throw new Error(`no result titled ${title}`);
}

/** Resolves once every client satisfies `test` (checked on each of their updates). */
function untilAll(clients: ResumingClient[], test: (c: ResumingClient) => boolean, what: string, ms = 60_000) {
  return within(
    new Promise<void>((resolve) => {
      const check = () => clients.every(test) && resolve();
      for (const c of clients) c.onUpdate(check);
      check();
    }),
    ms,
    what,
  );
}

describe.skipIf(!hasRedis).each(providers)('restarting an instance with Redis (%s)', (provider) => {
  let redis: TestRedis;
  let db: TestDatabase;
  let b: Instance;
  let a: ReturnType<typeof childServer>;
  let authorId: number;
  const closers: (() => Promise<unknown>)[] = [];
  const post = (url: string, title: string) => graphql(url, CREATE, { data: { slug: `${title}-${Math.random()}`, title, author: { connect: { id: authorId } } } });

  beforeAll(async () => {
    redis = await startRedis();
    db = await createRealtimeDatabase(provider);
    const env = { REDIS_URL: redis.url, STRATA_REALTIME_REDIS_PREFIX: `strata-restart-${process.pid}` };
    b = await startInstance(db.url, env);
    authorId = (await b.app.db.prisma.user.create({ data: { email: 'restart@example.com' } })).id;
    a = childServer({ ...env, DATABASE_URL: db.url, PORT: String(await freePort()) });
    await a.start();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  afterAll(async () => {
    await a?.kill();
    await b?.close();
    await db?.drop();
    await redis?.remove();
  });

  it('resumes, after kill -9 and a restart, every cursor from before the crash with each event since exactly once, and a cursor at the head with nothing', async () => {
    const onB = wsClient(b.wsUrl);
    closers.push(onB.dispose);
    const live = onB.subscribe(CHANGED);
    await b.until((s) => s.subscriptions === 1);
    const before = wsClient(a.wsUrl);
    closers.push(before.dispose);
    const stream = before.subscribe(CHANGED);
    // A is a child process: its subscription is live once a probe written through A reaches it (bounded).
    for (let i = 0; i < 20 && stream.received.length === 0; i++) {
      await post(a.httpUrl, `Probe ${i}`);
      await stream.next(2_000).catch(() => undefined);
    }
    expect(stream.received.length).toBeGreaterThan(0);
    for (const title of ['On A 1', 'On A 2']) await post(a.httpUrl, title);
    const cursorAfterA1 = (await nextTitled(stream, 'On A 1')).data.postChanged.cursor;
    await nextTitled(stream, 'On A 2');

    await a.kill();
    expect((await before.closed()).code).toBe(1006);
    for (const title of ['While A is down 1', 'While A is down 2']) await post(b.httpUrl, title);
    const head = (await nextTitled(live, 'While A is down 2')).data.postChanged.cursor;
    await a.start();

    const resumed = wsClient(a.wsUrl);
    closers.push(resumed.dispose);
    const fromA1 = resumed.subscribe(CHANGED, { after: cursorAfterA1 });
    const fromHead = resumed.subscribe(CHANGED, { after: head });
    const titles: string[] = [];
    for (let i = 0; i < 3; i++) titles.push((await fromA1.next()).data.postChanged.node.title);
    expect(titles).toEqual(['On A 2', 'While A is down 1', 'While A is down 2']);
    await post(b.httpUrl, 'After the restart');
    expect((await fromA1.next()).data.postChanged.node.title).toBe('After the restart');
    const headResult = await fromHead.next();
    expect(headResult.errors).toBeUndefined();
    expect(headResult.data.postChanged.node.title).toBe('After the restart');
    expect(fromA1.buffered + fromHead.buffered).toBe(0);
  });

  it('the docs recipe: 20 graphql-ws clients reconnect after kill -9 and a restart, resume with their cursors, and none refetches, crash-loops or sees an event twice', async () => {
    const clients = Array.from({ length: 20 }, () => startResumingClient(a.wsUrl, a.httpUrl));
    closers.push(() => Promise.all(clients.map((c) => c.dispose())));
    // Every client is subscribed on A once a probe reaches it (bounded).
    for (let i = 0; i < 20 && !clients.every((c) => c.changes.length > 0); i++) {
      await post(b.httpUrl, `Probe ${i}`);
      await untilAll(clients, (c) => c.changes.length > 0, 'a probe to reach every client', 2_000).catch(() => undefined);
    }
    await post(b.httpUrl, 'Before the crash');
    await untilAll(clients, (c) => c.changes.includes('Before the crash'), 'the event before the crash');

    await a.kill();
    for (const title of ['Gap 1', 'Gap 2', 'Gap 3']) await post(b.httpUrl, title);
    await a.start();
    await untilAll(clients, (c) => c.changes.includes('Gap 3'), 'every client to resume on the restarted server');
    await post(b.httpUrl, 'After the restart');
    await untilAll(clients, (c) => c.changes.includes('After the restart'), 'the event after the restart');

    for (const c of clients) {
      expect(new Set(c.changes).size).toBe(c.changes.length);
      expect(c.changes.slice(c.changes.indexOf('Before the crash'))).toEqual(['Before the crash', 'Gap 1', 'Gap 2', 'Gap 3', 'After the restart']);
      expect(c.refetches).toBe(0);
      expect(c.failures).toEqual([]);
    }
    // One close per client for the crash; failed attempts while A was down add a few, a crash loop hundreds.
    expect(Math.max(...clients.map((c) => c.closes))).toBeLessThan(15);
  });
});

describe.each(providers)('restarting a server without Redis (%s)', (provider) => {
  let db: TestDatabase;
  let a: ReturnType<typeof childServer>;
  let authorId: number;
  const clients: ResumingClient[] = [];

  beforeAll(async () => {
    db = await createRealtimeDatabase(provider);
    const prisma = (await startInstance(db.url)).app;
    authorId = (await prisma.db.prisma.user.create({ data: { email: 'solo@example.com' } })).id;
    await prisma.close();
    a = childServer({ DATABASE_URL: db.url, PORT: String(await freePort()) });
    await a.start();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await a?.kill();
    await db?.drop();
  });

  it('expires every cursor (CURSOR_EXPIRED as an error), and the docs recipe refetches once and ends with every row', async () => {
    const post = (title: string) => graphql(a.httpUrl, CREATE, { data: { slug: `${title}-${Math.random()}`, title, author: { connect: { id: authorId } } } });
    clients.push(...Array.from({ length: 20 }, () => startResumingClient(a.wsUrl, a.httpUrl)));
    for (let i = 0; i < 20 && !clients.every((c) => c.changes.length > 0); i++) {
      await post(`Probe ${i}`);
      await untilAll(clients, (c) => c.changes.length > 0, 'a probe to reach every client', 2_000).catch(() => undefined);
    }
    await post('Before the crash');
    await untilAll(clients, (c) => c.changes.includes('Before the crash'), 'the event before the crash');

    await a.kill();
    await a.start();
    await untilAll(clients, (c) => c.refetches === 1, 'every client to refetch after CURSOR_EXPIRED');
    await post('After the restart');
    await untilAll(clients, (c) => c.changes.includes('After the restart'), 'the event after the restart');

    const rows = (await graphql(a.httpUrl, '{ posts { id title } }')).posts as { id: number; title: string }[];
    for (const c of clients) {
      expect(c.failures).toEqual([]);
      expect(c.refetches).toBe(1);
      expect(c.cache).toEqual(new Map(rows.map((r) => [r.id, r.title])));
    }
    expect(Math.max(...clients.map((c) => c.closes))).toBeLessThan(15);
  });
});

describe.skipIf(!hasRedis)('an instance that loses Redis for a while', () => {
  let redis: TestRedis;
  let db: TestDatabase;
  let server: Instance;
  let authorId: number;
  const clients: ReturnType<typeof wsClient>[] = [];
  const publishPost = async (title: string) => {
    const row = await server.app.db.prisma.post.create({ data: { slug: `${title}-${Math.random()}`, title, authorId } });
    server.app.realtime.publish([{ model: 'Post', kind: 'CREATED', key: { id: row.id }, row }]);
  };

  beforeAll(async () => {
    redis = await startRedis({ persist: true });
    db = await createRealtimeDatabase('sqlite');
    server = await startInstance(db.url, { REDIS_URL: redis.url, STRATA_REALTIME_REDIS_PREFIX: `strata-outage-${process.pid}` });
    authorId = (await server.app.db.prisma.user.create({ data: { email: 'outage@example.com' } })).id;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.close();
    await db?.drop();
    await redis?.remove();
  });

  it('resumes cursors from before the outage once it reconnects, although it delivered locally meanwhile', async () => {
    const client = wsClient(server.wsUrl);
    clients.push(client);
    const live = client.subscribe(CHANGED);
    await server.until((s) => s.subscriptions === 1);
    for (const title of ['Shared 1', 'Shared 2']) await publishPost(title);
    const first = (await live.next()).data.postChanged.cursor;
    await live.next();
    // Redis comes back from a snapshot holding the history (what a persisted Redis restarting looks like).
    const admin = new Redis(redis.url);
    await admin.save();
    await admin.quit();
    await redis.stop();
    await publishPost('Local only');
    expect((await live.next()).data.postChanged.node.title).toBe('Local only');

    await redis.start();
    expect(await server.app.realtime.hub.ready(15_000)).toBe(true);
    const resumed = client.subscribe(CHANGED, { after: first });
    expect((await resumed.next()).data.postChanged.node.title).toBe('Shared 2');
    await publishPost('Shared again');
    expect((await resumed.next()).data.postChanged.node.title).toBe('Shared again');
  });
});
