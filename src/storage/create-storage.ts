import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import type { Mode, StorageConfig } from '../base/config.ts';
import type { PrismaLike } from '../base/context.ts';
import type { Datamodel } from '../base/datamodel.ts';
import { type FileModel, findFileModel } from './file-model.ts';
import { ObjectKeys } from './object-keys.ts';
import { createS3Client } from './s3-client.ts';
import { startSweeper } from './sweep.ts';

/** An app's file storage: the bucket, its file model, and the services around them. */
export interface Storage {
  config: StorageConfig;
  client: S3Client;
  bucket: string;
  file: FileModel;
  keys: ObjectKeys;
  prisma: PrismaLike;
  log: Logger;
  /** Time source for URL signing and sweeps (tests move it). */
  now(): Date;
  close(): Promise<void>;
}

export interface CreateStorageOptions {
  config: StorageConfig;
  mode: Mode;
  datamodel: Datamodel;
  prisma: PrismaLike;
  log: Logger;
  /** @default the system clock */
  now?: () => Date;
  /** S3 client to use instead of one built from the config (tests). @default built from `config` */
  client?: S3Client;
}

/**
 * Builds the storage of an app, or returns null when the schema has no file
 * model or no S3 is configured (`strata dev` starts the embedded s3rver and
 * configures it). A production server with a file model and no S3 still
 * starts, logs an error, and answers file fields with STORAGE_NOT_CONFIGURED.
 */
export function createStorage({ config, mode, datamodel, prisma, log, now = () => new Date(), client }: CreateStorageOptions): Storage | null {
  const file = findFileModel(datamodel);
  if (!file) return null;
  if (!config.configured) {
    const message = `file model ${file.model.name} found but no S3 is configured: file fields fail with STORAGE_NOT_CONFIGURED until S3_BUCKET (and S3_ENDPOINT for stores other than AWS S3) are set`;
    if (mode === 'production') log.error(message);
    else if (mode === 'development') log.warn(`${message} (strata dev starts an embedded store)`);
    return null;
  }
  if (!prisma.strataFileVersion) throw new Error(`Strata's file version table is missing from the generated client: prepare the schema with prepareAppSchema (src/server/prepare-app-schema.ts)`);
  const storage: Storage = {
    config,
    client: client ?? createS3Client(config),
    bucket: config.bucket,
    file,
    keys: new ObjectKeys(config.keyPrefix),
    prisma,
    log: log.child({ component: 'storage' }),
    now,
    close: async () => {
      stop();
      storage.client.destroy();
    },
  };
  const stop = startSweeper(storage, config.sweepIntervalSeconds);
  return storage;
}
