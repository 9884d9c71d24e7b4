import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryWorker } from '../../src/functions/delivery-worker.ts';
import type { Trigger } from '../../src/functions/define-trigger.ts';
import { OutboxStore } from '../../src/functions/outbox-store.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { control, deferred, eventually, manualClock } from './support/control.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/app');
/** The shortest lease the config accepts: renewed every ~333 ms. */
const LEASE_MS = 1000;

/** A pino logger whose lines the test can read. */
function capturedLog() {
  const lines: { level: number; msg: string; eventId?: string }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'warn' }, stream), lines };
}

describe.each(providers)('trigger lease extension on %s', (provider) => {
  let t: TestApp;

  /** One due outbox event for the fixture's `postChanges` trigger. */
  const enqueue = async () => {
    const id = randomUUID();
    const payload = JSON.stringify({ model: 'Post', kind: 'create', key: { id: 1 }, row: { id: 1 } });
    await t.prisma.strataOutbox.create({ data: { id, trigger: 'postChanges', model: 'Post', kind: 'create', payload, maxAttempts: 3, availableAt: new Date(Date.now() - 60_000) } });
    return id;
  };
  const row = (id: string) => t.prisma.strataOutbox.findUnique({ where: { id } });

  beforeAll(async () => {
    t = await createTestApp(provider, { env: { STRATA_APP_DIR: appDir, STRATA_WORKER_LEASE_MS: String(LEASE_MS), STRATA_WORKER_POLL_MS: '50' } });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    for (const key of Object.keys(control)) delete control[key as keyof typeof control];
    await t.prisma.strataOutbox.deleteMany();
  });

  it('delivers a handler that runs past its lease exactly once, renewing the lease meanwhile', async () => {
    const started = deferred();
    const release = deferred();
    const deliveries: number[] = [];
    control.postChanges = async (event) => {
      deliveries.push(event.attempt);
      started.resolve();
      await release.promise;
    };
    const id = await enqueue();
    const a = t.app.functions.createWorker({ id: 'worker-a' });
    const b = t.app.functions.createWorker({ id: 'worker-b' });
    a.start();
    b.start();
    try {
      await started.promise;
      const first = (await row(id))!.leaseUntil!.getTime();
      // Hold the handler until its first lease is over and has been renewed twice since.
      await eventually(async () => Date.now() > first + LEASE_MS / 2 && (await row(id))!.leaseUntil!.getTime() >= first + (2 * LEASE_MS) / 3, 'two lease renewals', 10_000);
      expect(await b.pollOnce()).toBe(0);
      expect(deliveries).toEqual([1]);
      release.resolve();
      await eventually(async () => (await row(id))?.status === 'delivered', 'the delivery to finish', 10_000);
      expect(await row(id)).toMatchObject({ status: 'delivered', attempts: 1, leaseOwner: null, leaseUntil: null });
      expect(deliveries).toEqual([1]);
    } finally {
      release.resolve();
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('keeps a slow handler its event however far the clock moves, and stops renewing when it ends', async () => {
    const started = deferred();
    const release = deferred();
    let calls = 0;
    control.postChanges = async () => {
      calls += 1;
      started.resolve();
      await release.promise;
    };
    const id = await enqueue();
    const clock = manualClock();
    const a = t.app.functions.createWorker({ clock, id: 'worker-a', leaseMs: LEASE_MS });
    const b = t.app.functions.createWorker({ clock, id: 'worker-b', leaseMs: LEASE_MS });
    const aDone = a.pollOnce();
    await started.promise;
    for (let minutes = 1; minutes <= 3; minutes++) {
      clock.advance(60_000);
      await eventually(async () => (await row(id))!.leaseUntil!.getTime() > clock.now().getTime(), `the lease renewed after ${minutes} min`, 10_000);
      expect(await b.pollOnce()).toBe(0);
    }
    release.resolve();
    expect(await aDone).toBe(1);
    expect(calls).toBe(1);
    // No renewal outlives the handler: the settled row keeps no lease.
    clock.advance(60_000);
    expect(await b.pollOnce()).toBe(0);
    expect(await row(id)).toMatchObject({ status: 'delivered', attempts: 1, leaseOwner: null, leaseUntil: null });
  });

  it('logs a lease lost while the handler ran and aborts the handler, leaving the event to its new owner', async () => {
    const started = deferred();
    const aborted = deferred();
    const trigger: Trigger = {
      model: 'Post',
      on: ['create'],
      maxAttempts: 3,
      handler: async (_event, { signal }) => {
        started.resolve();
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted.resolve();
        throw new Error('aborted');
      },
    };
    const { log, lines } = capturedLog();
    const store = new OutboxStore(t.prisma);
    const worker = new DeliveryWorker({ store, triggers: new Map([['postChanges', trigger]]), context: () => ({}) as never, log, id: 'worker-a', leaseMs: LEASE_MS });
    const id = await enqueue();
    const done = worker.pollOnce();
    await started.promise;
    // What another worker's claim leaves after this one was frozen past its lease.
    const taken = new Date(Date.now() + 60_000);
    await t.prisma.strataOutbox.update({ where: { id }, data: { leaseOwner: 'worker-b', attempts: 2, leaseUntil: taken } });
    await aborted.promise;
    expect(await done).toBe(1);
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, eventId: id, msg: expect.stringContaining('lost its lease') }));
    // Only that line: the aborted handler's failure is not reported as a retry of an event this worker no longer holds.
    expect(lines.filter((line) => line.eventId === id).map((line) => line.msg)).toHaveLength(1);
    // Worker A's failure does not touch the event it no longer owns.
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 2, leaseOwner: 'worker-b', leaseUntil: taken, lastError: null });
  });
});
