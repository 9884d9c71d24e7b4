import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { StorageConfig } from '../base/config.ts';

/** A running s3rver: an S3-compatible server for development and tests only. */
export interface EmbeddedS3 {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string;
  bucket: string;
  /** s3rver's fixed development credentials. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Folder holding the objects. */
  directory: string;
  /** The `storage` config section pointing at this server. */
  configure(storage: StorageConfig): StorageConfig;
  close(): Promise<void>;
}

export interface StartEmbeddedS3Options {
  /** Folder for the objects; kept on close. @default a new temp dir, deleted on close */
  directory?: string;
  /** Bucket created at start. @default strata */
  bucket?: string;
  /** @default 0 (a free port) */
  port?: number;
}

// Browsers upload to presigned URLs from the app's origin: the development store allows any origin.
const devCors = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/**
 * Starts s3rver on 127.0.0.1 with the bucket created, so `strata dev` and
 * the tests need no setup. s3rver does not verify signatures (it checks
 * expiry only) and is unmaintained: never use it in production.
 */
export async function startEmbeddedS3(options: StartEmbeddedS3Options = {}): Promise<EmbeddedS3> {
  const temporary = !options.directory;
  const directory = options.directory ?? mkdtempSync(path.join(os.tmpdir(), 'strata-s3-'));
  mkdirSync(directory, { recursive: true });
  const bucket = options.bucket ?? 'strata';
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [devCors] }],
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const accessKeyId = 'S3RVER';
  const secretAccessKey = 'S3RVER';
  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    directory,
    configure: (storage) => ({ ...storage, endpoint, bucket, accessKeyId, secretAccessKey, forcePathStyle: true, configured: true, embedded: true }),
    close: async () => {
      await server.close();
      if (temporary) rmSync(directory, { recursive: true, force: true });
    },
  };
}
