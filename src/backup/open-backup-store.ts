import type { Config } from '../base/config.ts';
import { startEmbeddedS3 } from '../storage/embedded-s3.ts';
import { createS3Client } from '../storage/s3-client.ts';
import { BackupStore } from './backup-store.ts';

/** A backup store and how to let go of it. */
export interface OpenedBackupStore {
  store: BackupStore;
  /** Where backups are, for messages (`s3://bucket/prefix`). */
  location: string;
  close(): Promise<void>;
}

/**
 * The store backups go to: the configured S3 bucket (or `STRATA_BACKUP_BUCKET`)
 * under `S3_KEY_PREFIX` + `STRATA_BACKUP_PREFIX`. With no S3 configured
 * outside production, the embedded s3rver's folder `strata dev` uses
 * (`embedded: true`, the CLI); null when there is nowhere to write.
 */
export async function openBackupStore(config: Pick<Config, 'storage' | 'backup'>, options: { embedded?: boolean } = {}): Promise<OpenedBackupStore | null> {
  let storage = config.storage;
  let closeEmbedded = async () => {};
  if (!storage.configured) {
    if (!storage.embedded || !options.embedded) return null;
    const s3 = await startEmbeddedS3({ directory: storage.embeddedDir, bucket: storage.bucket });
    if (config.backup.bucket && config.backup.bucket !== storage.bucket) {
      await s3.close();
      throw new Error('STRATA_BACKUP_BUCKET needs S3_ENDPOINT or S3_BUCKET: the embedded store has one bucket');
    }
    storage = s3.configure(storage);
    closeEmbedded = () => s3.close();
  }
  const client = createS3Client(storage);
  const bucket = config.backup.bucket ?? storage.bucket;
  const prefix = `${storage.keyPrefix}${config.backup.prefix}`;
  return {
    store: new BackupStore(client, bucket, prefix),
    location: `s3://${bucket}/${prefix}`,
    close: async () => {
      client.destroy();
      await closeEmbedded();
    },
  };
}
