import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import type { TriggerEvent } from '../../src/functions/define-trigger.ts';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/functions/webhook.ts';
import { AppError } from '../../src/base/errors.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { control, deferred, eventually, manualClock } from './support/control.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/app');
const SECRET = 'test-webhook-secret';

/** A local webhook receiver answering with the queued statuses (200 once the queue is empty). */
async function startReceiver() {
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, statuses, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(providers)('event triggers on %s', (provider) => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let alice: Viewer;
  let admin: Viewer;
  let aliceId: number;
  let n = 0;

  const outbox = (where: Record<string, unknown> = {}) => t.prisma.strataOutbox.findMany({ where, orderBy: { createdAt: 'asc' } });
  const createPost = async (title = `post ${++n}`) => {
    const res = await t.as(alice)('mutation($s: String!, $t: String!) { createPost(data: { slug: $s, title: $t }) { id } }', { s: `s${++n}`, t: title });
    expect(res.errors).toBeUndefined();
    return res.data.createPost.id as number;
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await createTestApp(provider, { rules: true, env: { STRATA_APP_DIR: appDir, APP_TEST_WEBHOOK_URL: receiver.url, APP_TEST_WEBHOOK_SECRET: SECRET } });
    const a = await t.prisma.user.create({ data: { email: 'alice@example.com' } });
    const b = await t.prisma.user.create({ data: { email: 'admin@example.com', role: 'ADMIN' } });
    aliceId = a.id;
    alice = { kind: 'user', id: a.id, email: a.email, role: 'USER', sessionId: 's1' };
    admin = { kind: 'user', id: b.id, email: b.email, role: 'ADMIN', sessionId: 's2' };
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  beforeEach(async () => {
    for (const key of Object.keys(control)) delete control[key as keyof typeof control];
    await t.prisma.strataOutbox.deleteMany();
  });

  it('writes one outbox row per matching trigger inside the write transaction, and none when the write rolls back', async () => {
    const id = await createPost();
    const rows = await outbox();
    expect(rows.map((r: any) => [r.trigger, r.model, r.kind, r.status, r.attempts])).toEqual([['postChanges', 'Post', 'create', 'pending', 0]]);
    expect(JSON.parse(rows[0].payload)).toMatchObject({ model: 'Post', kind: 'create', key: { id }, row: { id, views: '0', published: false } });

    const slug = (await t.prisma.post.findUnique({ where: { id } })).slug;
    const conflict = await t.as(alice)('mutation($s: String!) { createPost(data: { slug: $s, title: "dup" }) { id } }', { s: slug });
    expect(conflict.errors?.[0].extensions.code).toBe('CONFLICT');
    expect(await outbox()).toHaveLength(1);
  });

  it('delivers an event once, with its idempotency key, the row as JSON and the attempt number', async () => {
    const seen: TriggerEvent[] = [];
    control.postChanges = (event) => void seen.push(event);
    const id = await createPost('Delivered');
    const worker = t.app.functions.createWorker();
    expect(await worker.pollOnce()).toBe(1);
    expect(await worker.pollOnce()).toBe(0);
    expect(seen).toHaveLength(1);
    const [row] = await outbox();
    expect(seen[0]).toMatchObject({ id: row.id, idempotencyKey: row.id, trigger: 'postChanges', model: 'Post', kind: 'create', attempt: 1, row: { id, title: 'Delivered', views: '0', rating: '0' } });
    expect(typeof seen[0].row.createdAt).toBe('string');
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, leaseOwner: null });
  });

  it('makes events only for the changes a where filter accepts', async () => {
    const published: TriggerEvent[] = [];
    control.publishedOnly = (event) => void published.push(event);
    const id = await createPost();
    await t.as(alice)('mutation($id: Int!) { updatePost(where: { id: $id }, data: { title: "retitled" }) { id } }', { id });
    await t.as(alice)('mutation($id: Int!) { updatePost(where: { id: $id }, data: { published: true }) { id } }', { id });
    await t.as(alice)('mutation($id: Int!) { updatePost(where: { id: $id }, data: { title: "again" }) { id } }', { id });
    expect((await outbox({ trigger: 'publishedOnly' })).length).toBe(1);
    const worker = t.app.functions.createWorker({ concurrency: 10 });
    await worker.pollOnce();
    expect(published.map((e) => [e.kind, e.previous?.published, e.row.published])).toEqual([['update', false, true]]);
  });

  it('retries a failing handler with exponential backoff until it succeeds', async () => {
    let calls = 0;
    control.postChanges = () => {
      calls += 1;
      if (calls < 3) throw new Error(`transient ${calls}`);
    };
    await createPost();
    const clock = manualClock();
    const worker = t.app.functions.createWorker({ clock });
    const state = async () => (await outbox())[0];

    expect(await worker.pollOnce()).toBe(1);
    let row = await state();
    expect([row.status, row.attempts, row.availableAt.getTime() - clock.now().getTime()]).toEqual(['pending', 1, 1000]);
    expect(row.lastError).toBe('the handler failed (details in the server log)');

    clock.advance(999);
    expect(await worker.pollOnce()).toBe(0);
    clock.advance(1);
    expect(await worker.pollOnce()).toBe(1);
    row = await state();
    expect([row.status, row.attempts, row.availableAt.getTime() - clock.now().getTime()]).toEqual(['pending', 2, 2000]);

    clock.advance(2000);
    expect(await worker.pollOnce()).toBe(1);
    row = await state();
    expect([row.status, row.attempts, calls]).toEqual(['delivered', 3, 3]);
  });

  it('dead-letters an event after maxAttempts, shows it to admins only, and requeues it on request', async () => {
    control.postChanges = (event) => {
      if (event.row.title === 'poison') throw new Error('handler secret 1234');
    };
    await createPost('poison');
    const clock = manualClock();
    const worker = t.app.functions.createWorker({ clock });
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await worker.pollOnce()).toBe(1);
      clock.advance(60_000);
    }
    expect(await worker.pollOnce()).toBe(0);
    const [dead] = await outbox();
    expect([dead.status, dead.attempts]).toEqual(['dead', 3]);

    const list = '{ strataDeadLetters { id trigger model kind attempts lastError change } }';
    const asAdmin = await t.as(admin)(list);
    expect(asAdmin.errors).toBeUndefined();
    expect(asAdmin.data.strataDeadLetters).toEqual([
      { id: dead.id, trigger: 'postChanges', model: 'Post', kind: 'create', attempts: 3, lastError: 'the handler failed (details in the server log)', change: expect.objectContaining({ row: expect.objectContaining({ title: 'poison' }) }) },
    ]);
    expect(JSON.stringify(asAdmin)).not.toMatch(/secret/);
    expect((await t.as(alice)(list)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await t.gql(list)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');

    control.postChanges = () => {};
    const retried = await t.as(admin)('mutation($id: String!) { strataRetryDeadLetter(id: $id) { id attempts } }', { id: dead.id });
    expect(retried.data.strataRetryDeadLetter).toEqual({ id: dead.id, attempts: 0 });
    clock.set(Date.now() + 1000);
    expect(await worker.pollOnce()).toBe(1);
    expect((await outbox())[0].status).toBe('delivered');
  });

  it('keeps the message of a handler AppError on the dead letter', async () => {
    control.postChanges = () => {
      throw new AppError('BAD_USER_INPUT', 'Recipient address is invalid');
    };
    await createPost();
    const clock = manualClock();
    const worker = t.app.functions.createWorker({ clock });
    for (let attempt = 1; attempt <= 3; attempt++, clock.advance(60_000)) await worker.pollOnce();
    expect((await outbox())[0]).toMatchObject({ status: 'dead', lastError: 'Recipient address is invalid' });
  });

  it('redelivers an event whose lease expired with the same idempotency key, so a de-duplicating handler applies it once', async () => {
    const effects = new Set<string>();
    const deliveries: { key: string; attempt: number; worker: string }[] = [];
    const firstStarted = deferred();
    const releaseFirst = deferred();
    control.postChanges = async (event) => {
      deliveries.push({ key: event.idempotencyKey, attempt: event.attempt, worker: deliveries.length === 0 ? 'A' : 'B' });
      if (deliveries.length === 1) {
        firstStarted.resolve();
        await releaseFirst.promise;
      }
      effects.add(event.idempotencyKey);
    };
    await createPost();
    const clock = manualClock(Date.now() + 1000);
    const a = t.app.functions.createWorker({ clock, id: 'worker-a', leaseMs: 60_000 });
    const b = t.app.functions.createWorker({ clock, id: 'worker-b', leaseMs: 60_000 });
    const aDone = a.pollOnce();
    await firstStarted.promise;
    expect(await b.pollOnce()).toBe(0);
    clock.advance(60_001);
    expect(await b.pollOnce()).toBe(1);
    releaseFirst.resolve();
    expect(await aDone).toBe(1);

    const [row] = await outbox();
    expect(deliveries).toEqual([
      { key: row.id, attempt: 1, worker: 'A' },
      { key: row.id, attempt: 2, worker: 'B' },
    ]);
    expect([...effects]).toEqual([row.id]);
    expect(row.status).toBe('delivered');
  });

  it('never holds up requests while a handler is slow', async () => {
    const started = deferred();
    const release = deferred();
    let finished = false;
    control.postChanges = async (event) => {
      if (event.kind !== 'create') return;
      started.resolve();
      await release.promise;
      finished = true;
    };
    const worker = t.app.functions.createWorker({ concurrency: 1 });
    worker.start();
    try {
      await createPost();
      await started.promise;
      for (let i = 0; i < 3; i++) await createPost();
      const read = await t.as(alice)('{ postsCount }');
      expect(read.data.postsCount).toBeGreaterThanOrEqual(4);
      expect(finished).toBe(false);
      release.resolve();
      await eventually(async () => (await outbox({ status: 'pending' })).length === 0, 'every event delivered');
      expect(finished).toBe(true);
    } finally {
      release.resolve();
      await worker.stop();
    }
  });

  it('prunes delivered events past the retention, keeping pending ones and dead letters', async () => {
    control.postChanges = (event) => {
      if (event.row.title === 'poison') throw new Error('no');
    };
    await createPost('kept pending');
    await createPost('poison');
    await createPost('delivered');
    const clock = manualClock(Date.now() + 1000);
    const worker = t.app.functions.createWorker({ clock, retentionMs: 86_400_000, concurrency: 1 });
    const pending = (await outbox())[0];
    await t.prisma.strataOutbox.update({ where: { id: pending.id }, data: { availableAt: new Date(clock.now().getTime() + 10 * 86_400_000) } });
    for (let i = 0; i < 6; i++, clock.advance(60_000)) await worker.pollOnce();
    expect((await outbox()).map((r: any) => r.status)).toEqual(['pending', 'dead', 'delivered']);
    expect(await worker.prune(new Date(clock.now().getTime() + 3_600_000))).toBe(0);
    expect(await worker.prune(new Date(clock.now().getTime() + 86_400_000 + 60_000))).toBe(1);
    expect((await outbox()).map((r: any) => r.status)).toEqual(['pending', 'dead']);
  });

  it('delivers webhooks as signed POSTs with the idempotency key, retrying a failed answer', async () => {
    receiver.received.length = 0;
    receiver.statuses.push(500);
    const postId = await createPost();
    await t.prisma.strataOutbox.deleteMany({ where: { trigger: { not: 'commentWebhook' } } });
    const res = await t.as(alice)('mutation($p: Int!) { createComment(data: { body: "hi", postId: $p }) { id } }', { p: postId });
    expect(res.errors).toBeUndefined();
    const clock = manualClock(Date.now() + 1000);
    const worker = t.app.functions.createWorker({ clock });
    expect(await worker.pollOnce()).toBe(1);
    expect((await outbox())[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'webhook answered HTTP 500' });
    clock.advance(1000);
    expect(await worker.pollOnce()).toBe(1);
    expect((await outbox())[0]).toMatchObject({ status: 'delivered', attempts: 2 });

    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    const [row] = await outbox();
    for (const request of receiver.received) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['idempotency-key']).toBe(row.id);
      expect(request.headers['x-strata-event']).toBe('Comment.create');
      expect(verifyWebhook(SECRET, request.headers[SIGNATURE_HEADER] as string, request.body)).toBe(true);
      expect(verifyWebhook('wrong-secret', request.headers[SIGNATURE_HEADER] as string, request.body)).toBe(false);
    }
    expect(JSON.parse(first.body)).toMatchObject({ id: row.id, model: 'Comment', kind: 'create', attempt: 1, row: { body: 'hi', postId, authorId: aliceId } });
    expect(JSON.parse(second.body).attempt).toBe(2);
  });
});
