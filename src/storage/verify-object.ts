import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { AppError } from '../base/errors.ts';
import { SNIFF_BYTES, baseType, sniffContentType } from './content-types.ts';
import type { Storage } from './create-storage.ts';
import { type Inspection, InspectStream } from './inspect-stream.ts';
import { isMissingObject } from './storage-errors.ts';

/** What the client declared when it asked for the upload URL. */
export interface DeclaredUpload {
  size: number;
  contentType: string;
  /** SHA-256 hex, when the client gave one. @default none (computed) */
  checksum?: string | null;
}

/** The object is there but not what was promised: it and its pending row must go. */
export class RejectedUpload extends AppError {}

const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/**
 * Checks an object a client PUT to a presigned URL against what it declared:
 * size (HEAD), type (magic numbers of a ranged GET of the first bytes, and
 * the stored Content-Type), and SHA-256 — taken from S3's own verified
 * checksum when the upload carried one, else by streaming the object
 * through a hash. Throws BAD_USER_INPUT when nothing was uploaded yet, and a
 * {@link RejectedUpload} when the object does not match.
 */
export async function verifyObject(storage: Storage, key: string, declared: DeclaredUpload): Promise<Inspection> {
  const { client, bucket, config } = storage;
  let head;
  try {
    head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
  } catch (error) {
    if (isMissingObject(error)) throw new AppError('BAD_USER_INPUT', 'Nothing has been uploaded for this file yet: PUT it to the upload URL first');
    throw error;
  }
  const size = head.ContentLength ?? -1;
  if (size > config.maxFileSize) throw new RejectedUpload('PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${config.maxFileSize} bytes`, { maxBytes: config.maxFileSize });
  if (size !== declared.size) throw new RejectedUpload('BAD_USER_INPUT', `The uploaded file has ${size} bytes, ${declared.size} were declared`);
  if (baseType(head.ContentType) !== declared.contentType) {
    throw new RejectedUpload('UNSUPPORTED_MEDIA_TYPE', `The file was uploaded as ${baseType(head.ContentType) || 'no type'}, ${declared.contentType} was declared`);
  }

  const first = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${SNIFF_BYTES - 1}` }));
  const headBytes = await first.Body!.transformToByteArray();
  let sniffed: string;
  try {
    sniffed = await sniffContentType({ head: headBytes, complete: size <= SNIFF_BYTES, declared: declared.contentType, allowlist: config.allowedTypes });
  } catch (error) {
    throw error instanceof AppError ? new RejectedUpload(error.code, error.message, error.extensions) : error;
  }
  if (sniffed !== declared.contentType) throw new RejectedUpload('UNSUPPORTED_MEDIA_TYPE', `The file's content is ${sniffed}, ${declared.contentType} was declared`);

  // S3 verified the body against the checksum the signed PUT carried: no need to read it again.
  if (declared.checksum && head.ChecksumSHA256 === hexToBase64(declared.checksum)) {
    return { size, checksum: declared.checksum, contentType: sniffed };
  }
  const body = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const inspect = new InspectStream({ maxBytes: declared.size, declared: declared.contentType, allowlist: config.allowedTypes });
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  await pipeline(body.Body as Readable, inspect, sink);
  const result = inspect.result;
  if (declared.checksum && result.checksum !== declared.checksum.toLowerCase()) {
    throw new RejectedUpload('BAD_USER_INPUT', 'The uploaded file does not match the declared SHA-256 checksum');
  }
  return result;
}
