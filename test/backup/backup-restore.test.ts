import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupStore, type BackupManifest } from '../../src/backup/backup-store.ts';
import { createBackup, fileDigest } from '../../src/backup/create-backup.ts';
import { DatabaseNotEmptyError, restoreBackup } from '../../src/backup/restore-backup.ts';
import { loadConfig } from '../../src/base/config.ts';
import { pushSchema } from '../../src/engine/migrations.ts';
import { prepareConfigured } from '../../src/server/prepare-app-schema.ts';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3.ts';
import { createS3Client } from '../../src/storage/s3-client.ts';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases.ts';
import { deferred, within } from '../support/deferred.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { tableRows } from './support/table-rows.ts';

describe.each(providers)('backup and restore on %s', (provider) => {
  let t: TestApp;
  let s3: EmbeddedS3;
  let store: BackupStore;
  let dir: string;
  const fresh: TestDatabase[] = [];

  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    store = new BackupStore(createS3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }), s3.bucket, 'backups/');
    t = await createTestApp(provider);
    dir = mkdtempSync(path.join(os.tmpdir(), 'strata-backup-test-'));
  });
  afterAll(async () => {
    await t?.close();
    for (const db of fresh) await db.drop();
    store?.client.destroy();
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Downloads a stored backup, checks it against its manifest and restores it into a new empty database. */
  async function restoreIntoFresh(manifest: BackupManifest): Promise<TestDatabase> {
    const db = await createTestDatabase(provider);
    fresh.push(db);
    const file = path.join(dir, `${manifest.name}.download`);
    await store.download(manifest, file);
    expect(await fileDigest(file)).toEqual({ sha256: manifest.sha256, size: manifest.size });
    await restoreBackup({ databaseUrl: db.url, file });
    return db;
  }

  it('backs up while a writer keeps committing, and the restore holds a consistent prefix of its writes', async () => {
    const author = await t.prisma.user.create({ data: { email: `writer-${provider}@example.com` } });
    let writes = 0;
    let stop = false;
    const warmedUp = deferred();
    let afterBackup: { at: number; reached: ReturnType<typeof deferred<void>> } | undefined;
    // Bounded: at most 3000 transactions; each adds a post and counts it in the author's karma.
    const writer = (async () => {
      for (let i = 0; i < 3000 && !stop; i += 1) {
        await t.prisma.$transaction([
          t.prisma.post.create({
            data: { slug: `w${i}`, title: `Write ${i} ✓`, authorId: author.id, rating: `${i}.25`, views: BigInt(i) * 1_000_000_000_000n, metadata: { i, tags: ['a', 'b'] }, cover: Buffer.from([i % 256, 0, 255]) },
          }),
          t.prisma.user.update({ where: { id: author.id }, data: { karma: { increment: 1 } } }),
        ]);
        writes += 1;
        // better-sqlite3 answers synchronously: yield, or the loop would starve the backup's I/O.
        await new Promise((resolve) => setImmediate(resolve));
        if (writes === 20) warmedUp.resolve();
        if (afterBackup && writes >= afterBackup.at) afterBackup.reached.resolve();
      }
    })();
    // A writer that fails ends the waits below with its error.
    const failed = writer.then(() => new Promise<never>(() => {}));
    await within(Promise.race([warmedUp.promise, failed]), 30_000, 'the writer to commit 20 transactions');
    const before = writes;
    const manifest = await createBackup({ databaseUrl: t.app.config.databaseUrl, target: { store } });
    const during = writes - before;
    afterBackup = { at: writes + 5, reached: deferred<void>() };
    await within(Promise.race([afterBackup.reached.promise, failed]), 30_000, 'the writer to go on after the backup');
    stop = true;
    await writer;

    expect((await store.list()).map((m) => m.name)).toContain(manifest.name);
    const restored = await restoreIntoFresh(manifest);
    const source = await tableRows(t.app.config.databaseUrl);
    const copy = await tableRows(restored.url);
    expect(Object.keys(copy)).toEqual(Object.keys(source));
    const posts = 'Post';
    const count = copy[posts]!.length;
    // Taken after 20 commits and before the writer stopped; the karma counter agrees with the posts (no torn transaction).
    expect(during).toBeGreaterThan(0);
    expect(count).toBeGreaterThanOrEqual(20);
    expect(count).toBeLessThan(writes);
    const users = copy.User!.map((row) => JSON.parse(row));
    expect(users.find((u) => Number(u.id) === author.id).karma.toString()).toBe(String(count));
    // Every restored row is exactly a row of the source (posts are never changed after they are written).
    for (const row of copy[posts]!) expect(source[posts]).toContain(row);
    console.info(`${provider}: ${during} transactions committed while the backup ran, ${count} of ${writes} in the backup`);
  });

  it('restores a backup taken at rest to exactly the same rows in every table', async () => {
    await t.prisma.profile.create({ data: { bio: 'Über ✓', settings: { theme: 'dark', n: [1, 2] }, user: { create: { email: `rest-${provider}@example.com`, karma: 9_007_199_254_740_993n } } } });
    const manifest = await createBackup({ databaseUrl: t.app.config.databaseUrl, target: { store } });
    const restored = await restoreIntoFresh(manifest);
    const source = await tableRows(t.app.config.databaseUrl);
    expect(Object.values(source).flat().length).toBeGreaterThan(20);
    expect(await tableRows(restored.url)).toEqual(source);
  });

  it('writes a backup file with --to semantics and restores it; refuses a database holding rows unless forced', async () => {
    const file = path.join(dir, `local.${provider}.backup`);
    const done = await createBackup({ databaseUrl: t.app.config.databaseUrl, target: { file } });
    expect(done.file).toBe(file);
    expect(await fileDigest(file)).toEqual({ sha256: done.sha256, size: done.size });
    const expected = await tableRows(t.app.config.databaseUrl);

    // The source itself holds rows: refused, and left as it was.
    await t.prisma.tag.create({ data: { name: `after-backup-${provider}` } });
    const changed = await tableRows(t.app.config.databaseUrl);
    await expect(restoreBackup({ databaseUrl: t.app.config.databaseUrl, file })).rejects.toBeInstanceOf(DatabaseNotEmptyError);
    expect(await tableRows(t.app.config.databaseUrl)).toEqual(changed);

    // Forced, it goes back to the backup's rows (the tag written since is gone).
    await restoreBackup({ databaseUrl: t.app.config.databaseUrl, file, force: true });
    expect(await tableRows(t.app.config.databaseUrl)).toEqual(expected);
  });

  it('restores into a database whose tables exist but hold no rows (after strata dev or migrate)', async () => {
    const file = path.join(dir, `pushed.${provider}.backup`);
    await createBackup({ databaseUrl: t.app.config.databaseUrl, target: { file } });
    const db = await createTestDatabase(provider);
    fresh.push(db);
    const config = loadConfig({ STRATA_ENV: 'test', DATABASE_URL: db.url });
    await pushSchema({ databaseUrl: db.url, schema: prepareConfigured(config), force: true });
    await restoreBackup({ databaseUrl: db.url, file });
    expect(await tableRows(db.url)).toEqual(await tableRows(t.app.config.databaseUrl));
  });

  it('refuses a backup of the other database family', async () => {
    const other = path.join(dir, 'other.backup');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(other, provider === 'sqlite' ? Buffer.from('PGDMP\x01\x0e\x00') : Buffer.from([0x1f, 0x8b, 8, 0]));
    const db = await createTestDatabase(provider);
    fresh.push(db);
    await expect(restoreBackup({ databaseUrl: db.url, file: other })).rejects.toThrow(/backup and DATABASE_URL points at/);
  });
});
