import type { Context } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { deleteVersionObjects } from '../file-versions.ts';
import { type FileSchema, readBack } from './file-writes.ts';
import { swapContent } from './swap-content.ts';

/**
 * `restoreFileVersion(id, version)`: makes an earlier version the file's
 * content again; the content it replaces becomes the newest version. No
 * bytes move: the version's object becomes the file's. Allowed by the
 * update rule; a hidden file answers NOT_FOUND like a missing one, and so
 * does a version the file does not have.
 */
export async function restoreFileVersion(fs: FileSchema, ctx: Context, query: object, args: { id: unknown; version: number }) {
  const { model, sizeType, hasDimensions } = fs.file;
  const result = await swapContent(fs, ctx, args.id, null, async (row, s) => {
    const fileId = row[fs.file.id.name];
    const version = await s.tx.strataFileVersion.findFirst({ where: { fileId, version: args.version } });
    if (!version) throw new AppError('NOT_FOUND', `${model.name} version not found`);
    await s.tx.strataFileVersion.deleteMany({ where: { fileId, version: args.version } });
    const data: Record<string, unknown> = {
      key: version.key,
      bucket: version.bucket,
      size: sizeType === 'BigInt' ? version.size : Number(version.size),
      contentType: version.contentType,
      checksum: version.checksum,
      originalName: version.originalName,
    };
    if (hasDimensions) Object.assign(data, { width: version.width, height: version.height });
    return data;
  });
  await deleteVersionObjects(fs.storage(), result.dropped);
  return readBack(fs, ctx, query, result.row);
}
