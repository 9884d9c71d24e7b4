import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isBackupName } from '../backup/backup-store.ts';
import { type BackupStage, createBackup, fileDigest } from '../backup/create-backup.ts';
import { openBackupStore, type OpenedBackupStore } from '../backup/open-backup-store.ts';
import { DatabaseNotEmptyError, restoreBackup } from '../backup/restore-backup.ts';
import type { Config } from '../base/config.ts';
import type { CliValues } from './main.ts';

const noStore = 'no S3 is configured: set S3_BUCKET (and S3_ENDPOINT for stores other than AWS S3), or use --to <file>';

async function withStore<T>(config: Config, work: (opened: OpenedBackupStore) => Promise<T>): Promise<T> {
  const opened = await openBackupStore(config, { embedded: true });
  if (!opened) throw new Error(noStore);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}

/** `strata backup [--to <file>]` and `strata backup list`. */
export async function backupCommand(args: string[], config: Config, values: CliValues): Promise<number> {
  if (args[0] === 'list') {
    return withStore(config, async ({ store, location }) => {
      const all = await store.list();
      if (all.length === 0) console.log(`No backups in ${location}`);
      for (const m of all) console.log(`${m.name}  ${m.kind.padEnd(10)}  ${String(m.size).padStart(12)} bytes  ${m.createdAt}`);
      return 0;
    });
  }
  if (args.length > 0) {
    console.error(`strata backup: unexpected "${args.join(' ')}" (usage: strata backup [--to <file>] | strata backup list)`);
    return 2;
  }
  // Progress lines on stdout: scripts (and the kill test) follow them.
  const onStage = (stage: BackupStage) => console.log(`backup: ${stage}`);
  if (values.to) {
    const done = await createBackup({ databaseUrl: config.databaseUrl, target: { file: values.to }, onStage });
    console.log(`Backup written to ${done.file} (${done.kind}, ${done.size} bytes, sha256 ${done.sha256})`);
    return 0;
  }
  return withStore(config, async ({ store, location }) => {
    const done = await createBackup({ databaseUrl: config.databaseUrl, target: { store }, onStage });
    const deleted = await store.prune(config.backup.keep);
    console.log(`Backup ${done.name} written to ${location} (${done.kind}, ${done.size} bytes)${deleted.length ? `; ${deleted.length} older deleted (keeping ${config.backup.keep})` : ''}`);
    return 0;
  });
}

/** `strata restore <name|file> [--force]`: a backup from the bucket by name, or a backup file. */
export async function restoreCommand(args: string[], config: Config, values: CliValues): Promise<number> {
  const [source] = args;
  if (!source || args.length > 1) {
    console.error('usage: strata restore <backup name | file> [--force]');
    return 2;
  }
  const force = !!values.force;
  try {
    if (!isBackupName(source) || existsSync(source)) {
      if (!existsSync(source)) throw new Error(`no backup file ${source} (names look like 2026-12-04T03-00-00Z-9f2c1a)`);
      await restoreBackup({ databaseUrl: config.databaseUrl, file: source, force });
      console.log(`Restored ${source}`);
      return 0;
    }
    return await withStore(config, async ({ store, location }) => {
      const manifest = await store.manifest(source);
      if (!manifest) throw new Error(`no good backup named ${source} in ${location} (see strata backup list)`);
      const work = await mkdtemp(path.join(os.tmpdir(), 'strata-restore-'));
      try {
        const file = path.join(work, 'data');
        await store.download(manifest, file);
        const digest = await fileDigest(file);
        if (digest.sha256 !== manifest.sha256 || digest.size !== manifest.size) throw new Error(`backup ${source} does not match its manifest (checksum or size): not restored`);
        await restoreBackup({ databaseUrl: config.databaseUrl, file, force });
      } finally {
        await rm(work, { recursive: true, force: true });
      }
      console.log(`Restored ${source} from ${location}`);
      return 0;
    });
  } catch (error) {
    if (error instanceof DatabaseNotEmptyError) {
      console.error(`strata restore: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
