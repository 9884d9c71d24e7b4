import { CopyObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { and } from '../../permissions/policy.ts';
import type { Generator } from '../../schema/generator.ts';
import { createRow } from '../../writes/row-writes.ts';
import { type WriteSession } from '../../writes/write-session.ts';
import { keyWhere } from '../../base/datamodel.ts';
import type { Storage } from '../create-storage.ts';
import type { FileModel } from '../file-model.ts';
import type { Dimensions } from '../image-dimensions.ts';
import type { Visibility } from '../object-keys.ts';

type Row = Record<string, unknown>;

/** What the file fields' resolvers share. */
export interface FileSchema {
  gen: Generator;
  file: FileModel;
  /** The running storage; throws when none is configured. */
  storage(): Storage;
}

/** The error of an upload field on a server without S3. */
export function storageNotConfigured(): AppError {
  return new AppError('INTERNAL_SERVER_ERROR', 'File storage is not configured on this server (set S3_ENDPOINT/S3_BUCKET, or run strata dev)', {
    reason: 'STORAGE_NOT_CONFIGURED',
  });
}

/** The columns Strata sets on a new file row itself (they skip field rules: no client can set them). */
export function systemColumns(fs: FileSchema, ctx: Context, values: { key: string; size: number; contentType: string; checksum: string | null; status: 'PENDING' | 'ACTIVE'; visibility: Visibility } & Partial<Dimensions>): Row {
  const storage = fs.storage();
  const row: Row = {
    key: values.key,
    bucket: storage.bucket,
    size: fs.file.sizeType === 'BigInt' ? BigInt(values.size) : values.size,
    contentType: values.contentType,
    checksum: values.checksum,
    status: values.status,
    public: values.visibility === 'public',
  };
  if (fs.file.hasOwner && ctx.viewer.kind === 'user') row.ownerId = ctx.viewer.id;
  if (fs.file.hasDimensions && values.width !== undefined) Object.assign(row, { width: values.width, height: values.height ?? null });
  return row;
}

/** The columns a client supplies (field rules apply to them). */
export function clientColumns(fs: FileSchema, originalName: string, metadata: unknown): Row {
  const row: Row = { originalName };
  if (fs.file.hasMetadata && metadata !== undefined && metadata !== null) {
    if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new AppError('BAD_USER_INPUT', 'metadata must be a JSON object', { argument: 'metadata' });
    if (JSON.stringify(metadata).length > 16_384) throw new AppError('BAD_USER_INPUT', 'metadata must be at most 16 KiB of JSON', { argument: 'metadata' });
    row.metadata = metadata;
  }
  return row;
}

/**
 * Creates a file row through the write pipeline and checks, before the
 * commit, that the viewer may read it: a row the rules would hide rolls back
 * instead of staying behind a FORBIDDEN answer.
 */
export async function createFileRow(s: WriteSession, fs: FileSchema, client: Row, system: Row): Promise<Row> {
  const row = await createRow(s, fs.file.model, client, system);
  await s.requireReadable(fs.file.model, row);
  return row;
}

/** Reads a written file row back with the client's selection, as the viewer may see it. */
export async function readBack(fs: FileSchema, ctx: Context, query: object, row: Row): Promise<Row> {
  const read = fs.gen.policy(fs.file.model.name).read(ctx);
  const shown = read && (await ctx.prisma[fs.file.delegate].findFirst({ ...query, where: and(keyWhere(fs.file.model, row), read) }));
  if (!shown) throw new AppError('FORBIDDEN', `The ${fs.file.model.name} was stored but is not readable by you`);
  return shown;
}

/** Copies a staged object to a key under another visibility (a multipart upload made public). */
export async function copyObject(storage: Storage, from: string, to: string): Promise<void> {
  const source = `${storage.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
  await storage.client.send(new CopyObjectCommand({ Bucket: storage.bucket, Key: to, CopySource: source, MetadataDirective: 'COPY' }));
}
