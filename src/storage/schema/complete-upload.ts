import { isAdmin } from '../../base/viewer.ts';
import type { Context } from '../../base/context.ts';
import { AppError, notFound } from '../../base/errors.ts';
import { runWrite } from '../../writes/run-write.ts';
import { deleteFileObjects } from '../delete-file-objects.ts';
import { type Dimensions, readDimensions } from '../image-dimensions.ts';
import { toStorageError } from '../storage-errors.ts';
import { RejectedUpload, verifyObject } from '../verify-object.ts';
import { metrics } from '../../metrics/metrics.ts';
import { type FileSchema, readBack } from './file-writes.ts';

type Row = Record<string, any>;

/** The pending row, if the viewer may complete it: readable, theirs, and still allowed by the create rule. */
async function authorize(fs: FileSchema, ctx: Context, id: unknown): Promise<Row> {
  const { model } = fs.file;
  return runWrite(fs.gen, ctx, async (s) => {
    const row = await s.findVisible(model, { [fs.file.id.name]: id });
    if (row.status === 'ACTIVE') return row;
    const { viewer } = ctx;
    if (fs.file.hasOwner && !isAdmin(viewer) && !(viewer.kind === 'user' && row.ownerId === viewer.id)) {
      throw new AppError('FORBIDDEN', `Only the uploader can complete this ${model.name}`);
    }
    await s.requireMatch(model, row, s.policy(model).create(ctx), 'create');
    return row;
  });
}

/** Removes a pending row whose object failed verification: the row first, then the object. */
async function reject(fs: FileSchema, ctx: Context, row: Row): Promise<void> {
  const id = fs.file.id.name;
  await runWrite(fs.gen, ctx, async (s) => {
    const { count } = await s.delegate(fs.file.model).deleteMany({ where: { [id]: row[id], status: 'PENDING' } });
    if (count) s.record(fs.file.model, 'DELETED', row);
  });
  await deleteFileObjects(fs.storage(), row.key).catch((error) => fs.storage().log.warn({ err: error, key: row.key }, 'rejected upload not deleted; the orphan sweep will'));
}

/**
 * `completeUpload(id)`: verifies the object a client PUT to its presigned
 * URL (size, type from its bytes, SHA-256) and activates the row. S3 is
 * read outside any transaction; activation only succeeds while the row is
 * still PENDING, so a concurrent sweep cannot leave an active row without
 * its object. An object that does not match is deleted with its row.
 * Completing an active file again returns it unchanged.
 */
export async function completeUpload(fs: FileSchema, ctx: Context, query: object, args: { id: unknown }) {
  const storage = fs.storage();
  const { model, id } = fs.file;
  const row = await authorize(fs, ctx, args.id);
  if (row.status === 'ACTIVE') return readBack(fs, ctx, query, row);
  let verified;
  let dimensions: Dimensions | null = null;
  try {
    verified = await verifyObject(storage, row.key, { size: Number(row.size), contentType: row.contentType, checksum: row.checksum });
    metrics.uploadBytes(Number(row.size), 'presigned');
    if (fs.file.hasDimensions) dimensions = await readDimensions(storage, row.key, verified.contentType);
  } catch (error) {
    if (error instanceof RejectedUpload) {
      await reject(fs, ctx, row);
      throw error;
    }
    if (!(error instanceof AppError)) storage.log.error({ err: error, key: row.key }, 'verifying an upload failed');
    throw toStorageError(error);
  }
  const active = await runWrite(fs.gen, ctx, async (s) => {
    const { count } = await s.delegate(model).updateMany({ where: { [id.name]: row[id.name], status: 'PENDING' }, data: { status: 'ACTIVE', checksum: verified.checksum, ...dimensions } });
    if (count === 0) throw notFound(model.name);
    const updated = await s.delegate(model).findFirst({ where: { [id.name]: row[id.name] }, select: s.scalarSelect(model) });
    s.record(model, 'UPDATED', updated, row);
    return updated;
  });
  return readBack(fs, ctx, query, active);
}
