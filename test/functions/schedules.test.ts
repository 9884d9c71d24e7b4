import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { latestTick, nextTick } from '../../src/functions/scheduler.ts';
import { allowAll } from '../../src/permissions/policy.ts';
import { type App, createApp } from '../../src/server/create-app.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { control, manualClock } from './support/control.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/app');

describe('cron ticks', () => {
  it('finds the latest tick at or before a time, and the next one after it, in UTC unless told', () => {
    const at = new Date('2030-01-07T10:05:00.000Z');
    expect(latestTick({ cron: '*/5 * * * *' }, at).toISOString()).toBe('2030-01-07T10:05:00.000Z');
    expect(latestTick({ cron: '*/5 * * * *' }, new Date(at.getTime() - 1)).toISOString()).toBe('2030-01-07T10:00:00.000Z');
    expect(nextTick({ cron: '*/5 * * * *' }, at).toISOString()).toBe('2030-01-07T10:10:00.000Z');
    expect(latestTick({ cron: '0 3 * * 1' }, at).toISOString()).toBe('2030-01-07T03:00:00.000Z');
    expect(latestTick({ cron: '0 3 * * *', timezone: 'Europe/Paris' }, at).toISOString()).toBe('2030-01-07T02:00:00.000Z');
  });
});

describe.each(providers)('scheduled functions on %s', (provider) => {
  let t: TestApp;
  let second: App;
  let base = Date.parse('2030-01-01T10:00:30.000Z');

  beforeAll(async () => {
    t = await createTestApp(provider, { env: { STRATA_APP_DIR: appDir } });
    // A second instance on the same database, as behind a load balancer.
    second = await createApp(t.app.config, { policy: allowAll });
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });
  beforeEach(() => {
    for (const key of Object.keys(control)) delete control[key as keyof typeof control];
    base += 3_600_000;
  });

  it('runs each tick once across two instances that wake at the same moment', async () => {
    const runs: { tick: string }[] = [];
    control.everyMinute = ({ tick }) => void runs.push({ tick: tick.toISOString() });
    const clock = manualClock(base);
    const a = t.app.functions.createScheduler({ clock, id: 'instance-a' });
    const b = second.functions.createScheduler({ clock, id: 'instance-b' });

    // 10:00:30 → ticks before start-up are not caught up.
    expect(await Promise.all([a.tick(), b.tick()])).toEqual([[], []]);
    clock.advance(30_000);
    const first = await Promise.all([a.tick(), b.tick()]);
    expect(first.flat()).toEqual(['everyMinute']);
    expect(await Promise.all([a.tick(), b.tick()])).toEqual([[], []]);
    clock.advance(60_000);
    const next = await Promise.all([b.tick(), a.tick()]);
    expect(next.flat()).toEqual(['everyMinute']);

    const minute = (offset: number) => new Date(base + offset).toISOString();
    expect(runs).toEqual([{ tick: minute(30_000) }, { tick: minute(90_000) }]);
    const ledger = await t.prisma.strataScheduleRun.findMany({ where: { tick: { gte: new Date(base) } }, orderBy: { tick: 'asc' } });
    expect(ledger.map((r: any) => [r.name, r.tick.toISOString(), r.error])).toEqual([
      ['everyMinute', minute(30_000), null],
      ['everyMinute', minute(90_000), null],
    ]);
    expect(ledger.every((r: any) => r.finishedAt instanceof Date)).toBe(true);
  });

  it('records a failing run in the ledger without its message, and keeps scheduling', async () => {
    let calls = 0;
    control.everyMinute = () => {
      calls += 1;
      throw new Error('schedule secret 7');
    };
    const clock = manualClock(base);
    const scheduler = t.app.functions.createScheduler({ clock });
    clock.advance(30_000);
    expect(await scheduler.tick()).toEqual(['everyMinute']);
    clock.advance(60_000);
    expect(await scheduler.tick()).toEqual(['everyMinute']);
    expect(calls).toBe(2);
    const ledger = await t.prisma.strataScheduleRun.findMany({ where: { tick: { gte: new Date(base) } } });
    expect(ledger.map((r: any) => r.error)).toEqual(['the run failed (details in the server log)', 'the run failed (details in the server log)']);
  });

  it('prunes ledger rows past the retention, at most once an hour', async () => {
    control.everyMinute = () => {};
    const clock = manualClock(base);
    const scheduler = t.app.functions.createScheduler({ clock, retentionMs: 120_000 });
    for (let minute = 0; minute < 4; minute++) {
      clock.advance(60_000);
      await scheduler.tick();
    }
    const ledger = () => t.prisma.strataScheduleRun.count({ where: { tick: { gte: new Date(base) } } });
    expect(await ledger()).toBe(4);
    // Also removes what the earlier tests left, all older.
    expect(await scheduler.prune()).toBeGreaterThanOrEqual(2);
    expect(await ledger()).toBe(2);
    clock.advance(120_000);
    expect(await scheduler.prune()).toBe(0);
  });

  it('writes through the pipeline as the system viewer', async () => {
    const author = await t.prisma.user.create({ data: { email: `scheduled-${base}@example.com` } });
    control.everyMinute = ({ write }) => write((w) => w.create('Post', { slug: `scheduled-${base}`, title: 'Scheduled', authorId: author.id }));
    const clock = manualClock(base);
    const scheduler = t.app.functions.createScheduler({ clock });
    clock.advance(30_000);
    await scheduler.tick();
    expect(await t.prisma.post.count({ where: { slug: `scheduled-${base}` } })).toBe(1);
  });
});
