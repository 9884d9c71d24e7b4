import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Storage } from './create-storage.ts';

/** A presigned request a client makes itself. */
export interface PresignedRequest {
  url: string;
  method: 'PUT' | 'GET';
  /** Headers the client must send exactly (they are part of the signature). */
  headers: Record<string, string>;
  expiresAt: Date;
}

/**
 * A URL a client may PUT one object to until it expires. Content type and
 * length are signed, so a real S3 refuses any other body; the checksum
 * (SHA-256, base64) is signed too when the client declared one.
 */
export async function presignPut(storage: Storage, key: string, contentType: string, size: number, checksumBase64?: string): Promise<PresignedRequest> {
  const ttl = storage.config.uploadUrlTtlSeconds;
  const signingDate = storage.now();
  const command = new PutObjectCommand({
    Bucket: storage.bucket,
    Key: key,
    ContentType: contentType,
    ContentLength: size,
    ...(checksumBase64 ? { ChecksumSHA256: checksumBase64 } : {}),
  });
  const headers: Record<string, string> = { 'content-type': contentType };
  if (checksumBase64) headers['x-amz-checksum-sha256'] = checksumBase64;
  const url = await getSignedUrl(storage.client, command, {
    expiresIn: ttl,
    signingDate,
    signableHeaders: new Set(['content-type', 'content-length']),
    unhoistableHeaders: new Set(checksumBase64 ? ['x-amz-checksum-sha256'] : []),
  });
  return { url, method: 'PUT', headers, expiresAt: new Date(signingDate.getTime() + ttl * 1000) };
}

export interface PresignGetOptions {
  /** Sets the response's Content-Disposition (signed URLs only). @default the object's own (none) */
  disposition?: string;
  /** Sets the response's Content-Type. @default the object's own */
  contentType?: string;
}

/** A short-lived URL to read one object. */
export async function presignGet(storage: Storage, key: string, options: PresignGetOptions = {}): Promise<PresignedRequest> {
  const ttl = storage.config.downloadUrlTtlSeconds;
  const signingDate = storage.now();
  const command = new GetObjectCommand({
    Bucket: storage.bucket,
    Key: key,
    ...(options.disposition ? { ResponseContentDisposition: options.disposition } : {}),
    ...(options.contentType ? { ResponseContentType: options.contentType } : {}),
  });
  const url = await getSignedUrl(storage.client, command, { expiresIn: ttl, signingDate });
  return { url, method: 'GET', headers: {}, expiresAt: new Date(signingDate.getTime() + ttl * 1000) };
}

/** The permanent URL of an object under `public/`: `S3_PUBLIC_URL`, else the bucket's path-style URL. */
export function publicUrl(storage: Storage, key: string): string {
  const { publicUrl: base, endpoint, region, forcePathStyle } = storage.config;
  const path = key.split('/').map(encodeURIComponent).join('/');
  if (base) return `${base}/${path}`;
  if (endpoint) return forcePathStyle ? `${endpoint}/${storage.bucket}/${path}` : `${endpoint.replace('://', `://${storage.bucket}.`)}/${path}`;
  return `https://${storage.bucket}.s3.${region}.amazonaws.com/${path}`;
}
