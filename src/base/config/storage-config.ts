import path from 'node:path';
import type { Readers } from './readers.ts';

/** File storage: the S3 bucket, upload limits and sweeps (see docs/files.md). */
export interface StorageConfig {
  /**
   * S3 endpoint URL (`S3_ENDPOINT`); null means AWS S3 by region, or, outside
   * production with no `S3_BUCKET` either, the embedded s3rver `strata dev` starts.
   * @default null
   */
  endpoint: string | null;
  /** True when `S3_ENDPOINT` or `S3_BUCKET` is set (or `strata dev` started the embedded s3rver). @default false */
  configured: boolean;
  /** True when nothing is configured and the mode allows the embedded s3rver (not in production). @default true outside production */
  embedded: boolean;
  /** Bucket holding every object (`S3_BUCKET`). @default strata */
  bucket: string;
  /** Region used for signing (`S3_REGION`). @default us-east-1 */
  region: string;
  /** `S3_ACCESS_KEY_ID`; null uses the AWS SDK's default credential chain (IAM roles...). @default null */
  accessKeyId: string | null;
  /** `S3_SECRET_ACCESS_KEY`, set together with the key id. @default null */
  secretAccessKey: string | null;
  /** Path-style URLs (`S3_FORCE_PATH_STYLE`), needed by most S3-compatible servers. @default true when S3_ENDPOINT is set */
  forcePathStyle: boolean;
  /** Base URL public files are served from (`S3_PUBLIC_URL`), e.g. a CDN in front of `public/`. @default <endpoint>/<bucket> (path style) */
  publicUrl: string | null;
  /** Prefix of every key Strata writes (`S3_KEY_PREFIX`), to share a bucket. @default "" */
  keyPrefix: string;
  /** Largest file accepted, in bytes (`STRATA_UPLOAD_MAX_BYTES`). @default 52428800 (50 MiB) */
  maxFileSize: number;
  /** Most files in one multipart request (`STRATA_UPLOAD_MAX_FILES`). @default 10 */
  maxFiles: number;
  /** 5 MiB parts of one upload sent to S3 at once; each costs 5 MiB of memory while in flight (`STRATA_UPLOAD_PART_CONCURRENCY`). @default 2 */
  partConcurrency: number;
  /** Media types accepted, checked against the bytes; `image/*` style wildcards allowed (`STRATA_UPLOAD_ALLOWED_TYPES`, comma-separated). @default images, PDF, plain text, CSV, JSON */
  allowedTypes: string[];
  /** Lifetime of presigned upload URLs (`STRATA_UPLOAD_URL_TTL_SECONDS`). @default 900 */
  uploadUrlTtlSeconds: number;
  /** Lifetime of presigned download URLs (`STRATA_DOWNLOAD_URL_TTL_SECONDS`). @default 300 */
  downloadUrlTtlSeconds: number;
  /** Pending uploads older than this are deleted by the sweep (`STRATA_UPLOAD_PENDING_TTL_SECONDS`); at least the upload URL TTL. @default 3600 */
  pendingTtlSeconds: number;
  /** Objects without a File row are deleted once older than this (`STRATA_STORAGE_ORPHAN_GRACE_SECONDS`). @default 3600 */
  orphanGraceSeconds: number;
  /** Interval of the cleanup sweep; 0 turns the timer off (`STRATA_STORAGE_SWEEP_INTERVAL_SECONDS`). @default 900 (0 in test mode) */
  sweepIntervalSeconds: number;
  /** Largest width or height of an image variant (`STRATA_IMAGE_MAX_DIMENSION`). @default 4096 */
  maxImageDimension: number;
  /** Where the embedded s3rver of `strata dev` keeps objects. @default `<cacheDir>/storage` */
  embeddedDir: string;
  /** Earlier versions kept per file when its content is replaced; 0 keeps none (`STRATA_FILE_VERSIONS_KEEP`). @default 10 */
  versionsKeep: number;
  /** Earlier versions older than this are deleted by the sweep; 0 keeps them regardless of age (`STRATA_FILE_VERSIONS_MAX_AGE_SECONDS`). @default 0 */
  versionsMaxAgeSeconds: number;
}

/** Media types uploads accept unless `STRATA_UPLOAD_ALLOWED_TYPES` says otherwise. */
export const defaultAllowedTypes = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'application/pdf', 'text/plain', 'text/csv', 'application/json'];

/** The `storage` section; S3 credentials come as a pair. */
export function readStorageConfig({ env, mode, int, bool, problems }: Readers, cacheDir: string): StorageConfig {
  const endpoint = env.S3_ENDPOINT?.replace(/\/+$/, '') || null;
  if (endpoint && !/^https?:\/\/[^/]/.test(endpoint)) problems.push(`S3_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  const configured = !!(endpoint || env.S3_BUCKET);
  const embedded = mode !== 'production' && !configured;
  const bucket = env.S3_BUCKET || 'strata';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`S3_BUCKET must be a valid bucket name, got "${bucket}"`);
  const accessKeyId = env.S3_ACCESS_KEY_ID || null;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY || null;
  if (!accessKeyId !== !secretAccessKey) problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  const publicUrl = env.S3_PUBLIC_URL?.replace(/\/+$/, '') || null;
  if (publicUrl && !/^https?:\/\/[^/]/.test(publicUrl)) problems.push(`S3_PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  const keyPrefix = env.S3_KEY_PREFIX ?? '';
  if (keyPrefix && !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/.test(keyPrefix)) problems.push(`S3_KEY_PREFIX must be path segments ending in "/", got "${keyPrefix}"`);
  const allowedTypes = (env.STRATA_UPLOAD_ALLOWED_TYPES ?? defaultAllowedTypes.join(',')).split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  for (const type of allowedTypes) {
    if (!/^[a-z0-9.+-]+\/([a-z0-9.+-]+|\*)$/.test(type)) problems.push(`STRATA_UPLOAD_ALLOWED_TYPES entries must be media types like image/png or image/*, got "${type}"`);
  }
  const uploadUrlTtlSeconds = int('STRATA_UPLOAD_URL_TTL_SECONDS', 900, 1);
  const pendingTtlSeconds = int('STRATA_UPLOAD_PENDING_TTL_SECONDS', 3600, 1);
  if (pendingTtlSeconds < uploadUrlTtlSeconds) problems.push('STRATA_UPLOAD_PENDING_TTL_SECONDS must be at least STRATA_UPLOAD_URL_TTL_SECONDS');
  return {
    endpoint,
    configured,
    embedded,
    bucket,
    region: env.S3_REGION || 'us-east-1',
    accessKeyId,
    secretAccessKey,
    forcePathStyle: bool('S3_FORCE_PATH_STYLE', !!endpoint || embedded),
    publicUrl,
    keyPrefix,
    maxFileSize: int('STRATA_UPLOAD_MAX_BYTES', 52_428_800, 1),
    maxFiles: int('STRATA_UPLOAD_MAX_FILES', 10, 1),
    partConcurrency: int('STRATA_UPLOAD_PART_CONCURRENCY', 2, 1),
    allowedTypes,
    uploadUrlTtlSeconds,
    downloadUrlTtlSeconds: int('STRATA_DOWNLOAD_URL_TTL_SECONDS', 300, 1),
    pendingTtlSeconds,
    orphanGraceSeconds: int('STRATA_STORAGE_ORPHAN_GRACE_SECONDS', 3600, 0),
    sweepIntervalSeconds: int('STRATA_STORAGE_SWEEP_INTERVAL_SECONDS', mode === 'test' ? 0 : 900, 0),
    maxImageDimension: int('STRATA_IMAGE_MAX_DIMENSION', 4096, 16),
    embeddedDir: path.join(cacheDir, 'storage'),
    versionsKeep: int('STRATA_FILE_VERSIONS_KEEP', 10, 0),
    versionsMaxAgeSeconds: int('STRATA_FILE_VERSIONS_MAX_AGE_SECONDS', 0, 0),
  };
}
