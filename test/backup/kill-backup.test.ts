import { spawn } from 'node:child_process';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupStore } from '../../src/backup/backup-store.ts';
import { createBackupSchedule } from '../../src/backup/backup-schedule.ts';
import { loadConfig } from '../../src/base/config.ts';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3.ts';
import { createS3Client } from '../../src/storage/s3-client.ts';
import { providers } from '../support/databases.ts';
import { within } from '../support/deferred.ts';
import { waitForLine } from '../support/wait-for-line.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { manualClock } from '../functions/support/control.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe.each(providers)('interrupted and scheduled backups on %s', (provider) => {
  let t: TestApp;
  let s3: EmbeddedS3;
  let store: BackupStore;

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    t = await createTestApp(provider);
    await t.prisma.user.createMany({ data: Array.from({ length: 50 }, (_, i) => ({ email: `u${i}@example.com`, name: 'x'.repeat(500) })) });
  });
  afterAll(async () => {
    store?.client.destroy();
    await t?.close();
    await s3?.close();
  });

  const env = (prefix: string) => ({
    PATH: process.env.PATH,
    STRATA_ENV: 'test',
    DATABASE_URL: t.app.config.databaseUrl,
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    STRATA_BACKUP_PREFIX: prefix,
  });
  const storeAt = (prefix: string) => (store = new BackupStore(createS3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }), s3.bucket, prefix));
  const keysUnder = async (prefix: string) => ((await store.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);

  it.each(['upload', 'manifest'] as const)('lists no backup from a process killed with SIGKILL at the %s stage', async (stage) => {
    const prefix = `killed-${stage}/`;
    storeAt(prefix);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/backup-child.ts')], { cwd: root, env: { ...env(prefix), STOP_AT: stage }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await within(waitForLine(child, new RegExp(`stage ${stage}`)), 60_000, `the child backup to reach ${stage}`);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n${stderr}`);
    }
    child.kill('SIGKILL');
    await within(exited, 10_000, 'the killed child to exit');
    expect(await store.list()).toEqual([]);
    // At the manifest stage the data object is complete, and still not a good backup.
    if (stage === 'manifest') expect((await keysUnder(prefix)).filter((k) => !k.endsWith('.json'))).toHaveLength(1);
    expect((await keysUnder(prefix)).filter((k) => k.endsWith('.json'))).toEqual([]);
    // Pruning leaves a recent orphan alone (it could be a backup still being written), and deletes it a day later.
    await store.prune(5);
    if (stage === 'manifest') expect(await keysUnder(prefix)).toHaveLength(1);
    await store.prune(5, { now: new Date(Date.now() + 86_400_001) });
    expect(await keysUnder(prefix)).toEqual([]);
  });

  it('takes a backup at each tick of the schedule and keeps the newest STRATA_BACKUP_KEEP', async () => {
    const prefix = 'scheduled/';
    storeAt(prefix);
    const clock = manualClock(Date.parse('2026-12-04T02:59:30Z'));
    const config = { ...t.app.config, backup: { ...t.app.config.backup, schedule: '0 3 * * *', keep: 2 } };
    const scheduler = createBackupSchedule({ config, prisma: t.prisma, store, log: t.app.log, clock })!;
    const names: string[][] = [];
    for (let day = 0; day < 3; day += 1) {
      clock.set(Date.parse(`2026-12-0${4 + day}T03:00:05Z`));
      expect(await scheduler.tick()).toEqual(['strata:backup']);
      names.push((await store.list()).map((m) => m.name));
    }
    expect(names.map((n) => n.length)).toEqual([1, 2, 2]);
    expect(names[2]!.every((n) => n.startsWith('2026-12-05') || n.startsWith('2026-12-06'))).toBe(true);
    // The same tick is not taken twice, and the deleted backup left no objects behind.
    expect(await scheduler.tick()).toEqual([]);
    expect(await keysUnder(prefix)).toHaveLength(4);
    expect(await t.prisma.strataScheduleRun.count({ where: { name: 'strata:backup', error: null } })).toBe(3);
  });

  it('runs the schedule configured by STRATA_BACKUP_SCHEDULE in the server, into the configured bucket', async () => {
    const { STRATA_ENV: _mode, PATH: _path, DATABASE_URL: _url, ...s3env } = env('server/');
    const server = await createTestApp(provider, { env: { ...(s3env as Record<string, string>), STRATA_BACKUP_SCHEDULE: '0 3 * * *', STRATA_BACKUP_KEEP: '1' } });
    try {
      expect(server.app.backups.store?.location).toBe('s3://strata/server/');
      // A day on, a 03:00 tick has passed since the scheduler started.
      expect(await server.app.backups.scheduler!.tick(new Date(Date.now() + 86_400_000))).toEqual(['strata:backup']);
      expect(await storeAt('server/').list()).toHaveLength(1);
    } finally {
      await server.close();
    }
    expect(() => loadConfig({ STRATA_BACKUP_SCHEDULE: 'every day' })).toThrow(/STRATA_BACKUP_SCHEDULE must be a cron expression/);
  });

  it('backs up, lists and restores through the CLI, refusing a database with rows unless --force', async () => {
    // Not spawnSync: the embedded S3 answering the child runs in this process.
    const cli = (...args: string[]) =>
      within(
        new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [path.join(root, 'bin/strata.js'), ...args], { cwd: root, env: env('cli/'), stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout!.on('data', (chunk) => (stdout += chunk));
          child.stderr!.on('data', (chunk) => (stderr += chunk));
          child.once('close', (status) => resolve({ status, stdout, stderr }));
        }),
        60_000,
        `strata ${args.join(' ')}`,
      );
    const backup = await cli('backup');
    expect(backup.stderr).not.toContain('strata backup:');
    expect(backup.status).toBe(0);
    const name = backup.stdout.match(/Backup (\S+) written to s3:\/\/strata\/cli\//)![1]!;
    expect((await cli('backup', 'list')).stdout).toContain(name);
    const refused = await cli('restore', name);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/not empty.*--force/);
    const forced = await cli('restore', name, '--force');
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain(`Restored ${name}`);
    const missing = await cli('restore', '2020-01-01T00-00-00Z-abcdef');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no good backup named');
  });
});
