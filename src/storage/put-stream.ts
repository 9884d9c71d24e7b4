import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { AppError } from '../base/errors.ts';
import type { Storage } from './create-storage.ts';
import { type Inspection, InspectStream } from './inspect-stream.ts';
import { metrics } from '../metrics/metrics.ts';
import { toStorageError } from './storage-errors.ts';

/** An object Strata wrote and checked. */
export interface StoredObject extends Inspection {
  key: string;
}

/** lib-storage part size (S3's minimum): memory per upload is about (partConcurrency + 1) parts. */
export const PART_SIZE = 5 * 1024 * 1024;

/** The error to report when several things failed at once: the client's fault first, then S3's. */
function firstMeaningful(results: PromiseSettledResult<unknown>[]): unknown {
  const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
  return errors.find((e) => e instanceof AppError) ?? errors[0];
}

/**
 * Streams `body` into a new object at `key` with lib-storage's multipart
 * `Upload`, checking it on the way (type from its first bytes, size limit,
 * SHA-256). Memory stays bounded by the part queue whatever the file size.
 * On any failure the upload is aborted and the key deleted, so nothing
 * stays stored; the error is an AppError (PAYLOAD_TOO_LARGE,
 * UNSUPPORTED_MEDIA_TYPE, or storage unavailable).
 */
export async function putStream(storage: Storage, body: Readable, key: string, declaredType?: string | null): Promise<StoredObject> {
  const inspect = new InspectStream({ maxBytes: storage.config.maxFileSize, declared: declaredType, allowlist: storage.config.allowedTypes });
  const piping = pipeline(body, inspect);
  let upload: Upload | undefined;
  try {
    const contentType = await inspect.contentType;
    upload = new Upload({
      client: storage.client,
      params: { Bucket: storage.bucket, Key: key, Body: inspect, ContentType: contentType },
      partSize: PART_SIZE,
      queueSize: storage.config.partConcurrency,
      leavePartsOnError: false,
    });
    const results = await Promise.allSettled([upload.done(), piping]);
    if (results.some((r) => r.status === 'rejected')) throw firstMeaningful(results);
    metrics.uploadBytes(inspect.result.size, 'multipart');
    return { key, ...inspect.result };
  } catch (error) {
    inspect.destroy();
    body.destroy();
    await piping.catch(() => {});
    await upload?.abort().catch(() => {});
    await removeQuietly(storage, key);
    if (!(error instanceof AppError)) storage.log.error({ err: error, key }, 'upload to S3 failed');
    throw toStorageError(error);
  }
}

/** Deletes one object; a failure is logged (the orphan sweep retries it), never thrown. */
export async function removeQuietly(storage: Storage, key: string): Promise<boolean> {
  try {
    await storage.client.send(new DeleteObjectCommand({ Bucket: storage.bucket, Key: key }));
    return true;
  } catch (error) {
    storage.log.warn({ err: error, key }, 'could not delete object; the orphan sweep will retry');
    return false;
  }
}
