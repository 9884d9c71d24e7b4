import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { eventually } from './support/control.ts';

const root = path.resolve(import.meta.dirname, '../..');
const appDir = path.resolve(import.meta.dirname, 'fixtures/kill-app');
const EVENTS = 40;

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

describe.each(providers)('trigger delivery across kill -9 on %s', (provider) => {
  let t: TestApp;
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await createTestApp(provider, { env: { STRATA_APP_DIR: appDir } });
    dir = mkdtempSync(path.join(os.tmpdir(), 'strata-kill-'));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `strata start` in a child process, delivering with short leases. */
  function startWorkerProcess(name: string): ChildProcess & { output: string[] } {
    const child = spawn(process.execPath, [path.join(root, 'bin/strata.js'), 'start'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: t.app.config.databaseUrl,
        STRATA_APP_DIR: appDir,
        STRATA_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'warn',
        // Long enough that lease renewals (every third) survive a loaded machine; a killed worker's leases still expire within the test.
        STRATA_WORKER_LEASE_MS: '3000',
        STRATA_WORKER_POLL_MS: '50',
        STRATA_WORKER_CONCURRENCY: '4',
        APP_INVOCATIONS_FILE: path.join(dir, 'invocations'),
        APP_EFFECTS_FILE: path.join(dir, 'effects'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }) as ChildProcess & { output: string[] };
    child.output = [];
    child.stdout!.on('data', (chunk) => child.output.push(`[${name}] ${chunk}`));
    child.stderr!.on('data', (chunk) => child.output.push(`[${name}] ${chunk}`));
    children.push(child);
    return child;
  }

  const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

  it('loses no event when the delivering process is killed with SIGKILL, and the handler applies each once', async () => {
    const data = Array.from({ length: EVENTS }, (_, i) => ({ slug: `k${i}`, title: `K${i}`, authorId: 0 }));
    const author = await t.prisma.user.create({ data: { email: 'kill@example.com' } });
    const created = await t.gql('mutation($d: [PostCreateManyInput!]!) { createManyPosts(data: $d) { count } }', { d: data.map((d) => ({ ...d, authorId: author.id })) });
    expect(created.errors).toBeUndefined();
    const written = await t.prisma.strataOutbox.count();
    expect(written).toBe(EVENTS);

    const invocations = path.join(dir, 'invocations');
    const effects = path.join(dir, 'effects');
    const first = startWorkerProcess('first');
    try {
      await eventually(async () => lines(invocations).length >= EVENTS / 3, 'a third of the events to reach the handler', 60_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${first.output.join('')}`);
    }
    first.kill('SIGKILL');
    await exited(first);
    const atKill = {
      invocations: lines(invocations).length,
      delivered: await t.prisma.strataOutbox.count({ where: { status: 'delivered' } }),
      leased: await t.prisma.strataOutbox.count({ where: { status: 'pending', leaseOwner: { not: null } } }),
    };
    expect(atKill.delivered).toBeLessThan(written);
    expect(atKill.leased).toBeGreaterThan(0);

    const second = startWorkerProcess('second');
    try {
      await eventually(async () => (await t.prisma.strataOutbox.count({ where: { status: { not: 'delivered' } } })) === 0, 'every event delivered after the restart', 60_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${second.output.join('')}`);
    }
    second.kill('SIGTERM');
    await exited(second);

    const seen = lines(invocations).map((line) => line.split(' ')[0]);
    const distinct = new Set(seen);
    const applied = lines(effects);
    const figures = {
      provider,
      eventsWritten: written,
      delivered: await t.prisma.strataOutbox.count({ where: { status: 'delivered' } }),
      deadLettered: await t.prisma.strataOutbox.count({ where: { status: 'dead' } }),
      handlerInvocations: seen.length,
      duplicatesSeenByHandler: seen.length - distinct.size,
      effectsApplied: applied.length,
      atKill,
    };
    console.log(`[kill -9] ${JSON.stringify(figures)}`);
    expect(figures.delivered).toBe(written);
    expect(figures.deadLettered).toBe(0);
    expect(distinct.size).toBe(written);
    expect(new Set(applied).size).toBe(applied.length);
    expect(applied.length).toBe(written);
  });
});
