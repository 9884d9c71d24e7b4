import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BackupManifest, BackupStore } from './backup-store.ts';
import { snapshotDatabase } from './snapshot-database.ts';

/** Steps of a backup, reported as they start (progress output; tests kill the process at one). */
export type BackupStage = 'snapshot' | 'upload' | 'manifest';

export interface CreateBackupOptions {
  databaseUrl: string;
  /** Where the backup goes: a bucket, or a local file. */
  target: { store: BackupStore } | { file: string };
  /** Called as each stage starts; the backup waits for it. */
  onStage?: (stage: BackupStage) => void | Promise<void>;
  /** @default the system clock */
  now?: () => Date;
}

/** A backup written to a local file: the manifest's facts, and where the file is. */
export type LocalBackup = Omit<BackupManifest, 'key'> & { file: string };

/** A new backup name: the UTC time, sortable, and a random suffix against collisions. */
export function backupName(at: Date): string {
  return `${at.toISOString().replace(/:/g, '-').replace(/\.\d{3}Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** SHA-256 and size of a file. */
export async function fileDigest(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return { sha256: hash.digest('hex'), size: (await stat(file)).size };
}

/**
 * Takes a backup of the live database (see {@link snapshotDatabase}) and
 * stores it. In a bucket the manifest is written last; a local file is
 * written under a temporary name and renamed when complete. Either way an
 * interrupted backup never looks like a good one.
 */
export async function createBackup(options: CreateBackupOptions & { target: { store: BackupStore } }): Promise<BackupManifest>;
export async function createBackup(options: CreateBackupOptions & { target: { file: string } }): Promise<LocalBackup>;
export async function createBackup(options: CreateBackupOptions): Promise<BackupManifest | LocalBackup> {
  const now = options.now ?? (() => new Date());
  const work = await mkdtemp(path.join(os.tmpdir(), 'strata-backup-'));
  try {
    const createdAt = now();
    const name = backupName(createdAt);
    await options.onStage?.('snapshot');
    const data = path.join(work, 'data');
    const kind = await snapshotDatabase(options.databaseUrl, data);
    const digest = await fileDigest(data);
    const manifest = { name, kind, createdAt: createdAt.toISOString(), ...digest };
    await options.onStage?.('upload');
    if ('file' in options.target) {
      const file = path.resolve(options.target.file);
      const partial = `${file}.partial-${process.pid}`;
      // The temp folder may sit on another file system than the target: copy, then rename in place.
      await copyFile(data, partial);
      await options.onStage?.('manifest');
      await rename(partial, file);
      return { format: 1, ...manifest, file };
    }
    return await options.target.store.put(manifest, data, () => options.onStage?.('manifest'));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
