import { S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from '../base/config.ts';

/**
 * The S3 client of an app. Checksums are only computed where S3 requires
 * them: the SDK's default flexible checksums (aws-chunked bodies) make
 * s3rver store corrupted objects, and plain SigV4 with Content-MD5 where
 * required works on every S3-compatible store.
 */
export function createS3Client(config: Pick<StorageConfig, 'endpoint' | 'region' | 'forcePathStyle' | 'accessKeyId' | 'secretAccessKey'>): S3Client {
  return new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    ...(config.accessKeyId && config.secretAccessKey
      ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
      : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    // A dead or stalled endpoint fails the request instead of hanging it (the SDK sets no timeouts by default).
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  });
}
