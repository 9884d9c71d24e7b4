import type { Readable } from 'node:stream';
import { cleanFileName } from '../content-types.ts';
import type { Storage } from '../create-storage.ts';
import { putStream, removeQuietly } from '../put-stream.ts';
import { StagedUpload } from '../staged-upload.ts';
import { parseMultipart } from './parse-multipart.ts';

/** A parsed multipart request: its operations with {@link StagedUpload}s in place of the files. */
export interface ReceivedMultipart {
  operations: unknown;
  uploads: StagedUpload[];
}

/** Largest `operations` or `map` field accepted. */
const MAX_FIELD_BYTES = 1024 * 1024;

/**
 * Reads a multipart GraphQL request, streaming each file into the bucket
 * under a fresh private key as it arrives (checked for type, size and
 * SHA-256 on the way). If anything fails, every object already stored for
 * the request is deleted before the error is thrown.
 */
export async function receiveMultipart(storage: Storage, body: Readable, contentType: string): Promise<ReceivedMultipart> {
  const uploads: StagedUpload[] = [];
  const stage = async (stream: Readable, part: { filename: string; mimeType: string }) => {
    const object = await putStream(storage, stream, storage.keys.create('private'), part.mimeType);
    const upload = new StagedUpload(object, cleanFileName(part.filename));
    uploads.push(upload);
    return upload;
  };
  try {
    const operations = await parseMultipart(body, contentType, stage, { maxFiles: storage.config.maxFiles, maxFieldBytes: MAX_FIELD_BYTES });
    return { operations, uploads };
  } catch (error) {
    await discardUnkept(storage, uploads);
    throw error;
  }
}

/** Deletes the objects of uploads no File row kept (the operation failed, was denied, or ignored a file). */
export async function discardUnkept(storage: Storage, uploads: StagedUpload[]): Promise<void> {
  await Promise.all(uploads.filter((u) => !u.kept).map((u) => removeQuietly(storage, u.object.key)));
}
