import type { Context } from '../../base/context.ts';
import { AppError, badInput } from '../../base/errors.ts';
import { runWrite } from '../../writes/run-write.ts';
import { baseType, cleanFileName, isAllowedType } from '../content-types.ts';
import type { Storage } from '../create-storage.ts';
import { presignPut } from '../presign.ts';
import { clientColumns, createFileRow, type FileSchema, readBack, systemColumns } from './file-writes.ts';

interface CreateUploadUrlArgs {
  contentType: string;
  size: number | bigint;
  name: string;
  public?: boolean | null;
  checksum?: string | null;
  metadata?: unknown;
}

/**
 * `createUploadUrl`: checks what the client declares (type on the allowlist,
 * size within the limit), creates a PENDING file row through the write
 * pipeline, and returns a presigned PUT URL for its key. The bytes are
 * checked by `completeUpload`; uploads never completed are swept.
 */
export async function createUploadUrl(fs: FileSchema, ctx: Context, query: object, args: CreateUploadUrlArgs) {
  const storage = fs.storage();
  const { contentType, size, checksum } = checkDeclared(storage, args);
  const visibility = args.public ? 'public' : 'private';
  const key = storage.keys.create(visibility);
  const row = await runWrite(fs.gen, ctx, (s) =>
    createFileRow(s, fs, clientColumns(fs, cleanFileName(args.name), args.metadata), systemColumns(fs, ctx, { key, size, contentType, checksum, status: 'PENDING', visibility })),
  );
  return presignedUpload(storage, key, { contentType, size, checksum }, await readBack(fs, ctx, query, row));
}

/** What a client declares of a direct upload, checked before anything is created: type on the allowlist, size within the limit, checksum well formed. */
export function checkDeclared(storage: Storage, args: { contentType: string; size: number | bigint; checksum?: string | null }) {
  const { maxFileSize, allowedTypes } = storage.config;
  const contentType = baseType(args.contentType);
  if (!isAllowedType(contentType, allowedTypes)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Files of type ${contentType || '(none)'} are not accepted`, { contentType, allowedTypes });
  }
  const size = Number(args.size);
  if (!Number.isSafeInteger(size) || size < 0) throw badInput('size must be a whole number of bytes', { argument: 'size' });
  if (size > maxFileSize) throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${maxFileSize} bytes`, { maxBytes: maxFileSize });
  const checksum = args.checksum?.toLowerCase() ?? null;
  if (checksum !== null && !/^[0-9a-f]{64}$/.test(checksum)) throw badInput('checksum must be the SHA-256 of the file in hex (64 characters)', { argument: 'checksum' });
  return { contentType, size, checksum };
}

/** The `PresignedUpload` answer: where and how to PUT `key`, and the file it is for. */
export async function presignedUpload(storage: Storage, key: string, declared: { contentType: string; size: number; checksum: string | null }, file: unknown) {
  const { contentType, size, checksum } = declared;
  const presigned = await presignPut(storage, key, contentType, size, checksum ? Buffer.from(checksum, 'hex').toString('base64') : undefined);
  return {
    file,
    url: presigned.url,
    method: presigned.method,
    headers: Object.entries(presigned.headers).map(([name, value]) => ({ name, value })),
    expiresAt: presigned.expiresAt,
  };
}
