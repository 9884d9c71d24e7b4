import { isAdmin } from '../../base/viewer.ts';
import type { Context } from '../../base/context.ts';
import { AppError, badInput } from '../../base/errors.ts';
import { runWrite } from '../../writes/run-write.ts';
import { cleanFileName } from '../content-types.ts';
import { deleteFileObjects } from '../delete-file-objects.ts';
import { deleteVersionObjects } from '../file-versions.ts';
import { type Dimensions, readDimensions } from '../image-dimensions.ts';
import { toStorageError } from '../storage-errors.ts';
import { RejectedUpload, verifyObject } from '../verify-object.ts';
import { checkDeclared, presignedUpload } from './create-upload-url.ts';
import { type FileSchema, readBack } from './file-writes.ts';
import { contentConflict, swapContent, updatableFile } from './swap-content.ts';

type Row = Record<string, any>;

interface CreateReplaceUrlArgs {
  id: unknown;
  contentType: string;
  size: number | bigint;
  name?: string | null;
  checksum?: string | null;
}

const viewerTag = (ctx: Context) => (ctx.viewer.kind === 'user' ? String(ctx.viewer.id) : null);

/**
 * `createReplaceUrl(id, ...)`: starts replacing a file's content with a
 * direct upload. Checked like `replaceFile` (readable, update rule,
 * active) and like `createUploadUrl` (type, size, checksum). The pending
 * replacement is remembered server-side, one per file (a new one takes the
 * place of an earlier one, whose object the orphan sweep removes), so the
 * key the client PUTs to is never the client's to choose.
 */
export async function createReplaceUrl(fs: FileSchema, ctx: Context, query: object, args: CreateReplaceUrlArgs) {
  const storage = fs.storage();
  const declared = checkDeclared(storage, args);
  const file = await runWrite(fs.gen, ctx, (s) => updatableFile(s, fs, args.id), false);
  const key = storage.keys.create(file.public ? 'public' : 'private');
  const fileId = file[fs.file.id.name];
  const pending = {
    key,
    size: BigInt(declared.size),
    contentType: declared.contentType,
    checksum: declared.checksum,
    originalName: args.name?.trim() ? cleanFileName(args.name) : file.originalName,
    createdAt: storage.now(),
    createdBy: viewerTag(ctx),
  };
  await ctx.prisma.strataFileReplacement.upsert({ where: { fileId }, create: { fileId, ...pending }, update: pending });
  return presignedUpload(storage, key, declared, await readBack(fs, ctx, query, file));
}

/**
 * `completeReplace(id)`: verifies the bytes PUT for the file's pending
 * replacement (size, type, checksum, as `completeUpload`) and makes them
 * the file's content, keeping the old content as a version. Only the
 * viewer who started it (or an admin) may complete it. Bytes that do not
 * match are deleted with the pending replacement; the file is unchanged.
 */
export async function completeReplace(fs: FileSchema, ctx: Context, query: object, args: { id: unknown }) {
  const storage = fs.storage();
  const { model } = fs.file;
  const file = await runWrite(fs.gen, ctx, (s) => updatableFile(s, fs, args.id), false);
  const fileId = file[fs.file.id.name];
  const pending: Row | null = await ctx.prisma.strataFileReplacement.findUnique({ where: { fileId } });
  if (!pending) throw badInput(`No replacement of this ${model.name} was started: call createReplaceUrl first`);
  if (pending.createdBy !== viewerTag(ctx) && !isAdmin(ctx.viewer)) throw new AppError('FORBIDDEN', `Only who started this replacement can complete it`);
  let verified;
  let dimensions: Dimensions = { width: null, height: null };
  try {
    verified = await verifyObject(storage, pending.key, { size: Number(pending.size), contentType: pending.contentType, checksum: pending.checksum });
    if (fs.file.hasDimensions) dimensions = await readDimensions(storage, pending.key, verified.contentType);
  } catch (error) {
    if (error instanceof RejectedUpload) {
      await ctx.prisma.strataFileReplacement.deleteMany({ where: { fileId, key: pending.key } });
      await deleteFileObjects(storage, pending.key).catch((e) => storage.log.warn({ err: e, key: pending.key }, 'rejected replacement not deleted; the orphan sweep will'));
      throw error;
    }
    if (!(error instanceof AppError)) storage.log.error({ err: error, key: pending.key }, 'verifying a replacement failed');
    throw toStorageError(error);
  }
  const result = await swapContent(fs, ctx, args.id, null, async (row, s) => {
    // Taken in the transaction: a concurrent completion or a new createReplaceUrl makes this one lose cleanly.
    const { count } = await s.tx.strataFileReplacement.deleteMany({ where: { fileId, key: pending.key } });
    if (count === 0) throw contentConflict(model.name);
    return {
      key: pending.key,
      size: fs.file.sizeType === 'BigInt' ? BigInt(verified.size) : verified.size,
      contentType: verified.contentType,
      checksum: verified.checksum,
      originalName: fs.gen.policy(model.name).writeField(ctx, 'originalName') ? pending.originalName : row.originalName,
      ...(fs.file.hasDimensions ? dimensions : {}),
    };
  });
  await deleteVersionObjects(storage, result.dropped);
  return readBack(fs, ctx, query, result.row);
}
