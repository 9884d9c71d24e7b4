import type { Context } from '../../base/context.ts';
import { badInput } from '../../base/errors.ts';
import { runWrite } from '../../writes/run-write.ts';
import { cleanFileName } from '../content-types.ts';
import { deleteVersionObjects } from '../file-versions.ts';
import { type Dimensions, readDimensions } from '../image-dimensions.ts';
import { removeQuietly } from '../put-stream.ts';
import { StagedUpload } from '../staged-upload.ts';
import { toStorageError } from '../storage-errors.ts';
import { copyObject, type FileSchema, readBack } from './file-writes.ts';
import { swapContent, updatableFile } from './swap-content.ts';

interface ReplaceFileArgs {
  id: unknown;
  file: StagedUpload;
  name?: string | null;
}

/**
 * `replaceFile(id, file: Upload!, name)`: gives a file new content from a
 * multipart upload, keeping the content it had as a version (see
 * {@link swapContent}). Allowed by the file model's update rule. The row is
 * checked before anything is copied, so a refused replace costs only the
 * staged object, which the request's cleanup deletes.
 */
export async function replaceFile(fs: FileSchema, ctx: Context, query: object, args: ReplaceFileArgs) {
  const storage = fs.storage();
  const upload = args.file;
  if (!(upload instanceof StagedUpload)) throw badInput('file must be an uploaded file');
  if (upload.used) throw badInput('Each uploaded file can be stored by one field only', { argument: 'file' });
  upload.used = true;
  const { model } = fs.file;
  const current = await runWrite(fs.gen, ctx, (s) => updatableFile(s, fs, args.id), false);
  const staged = upload.object.key;
  // A file keeps its visibility: `public` is managed, so every version lives under the same prefix.
  const key = current.public ? storage.keys.withVisibility(staged, 'public') : staged;
  let dimensions: Dimensions = { width: null, height: null };
  try {
    if (key !== staged) await copyObject(storage, staged, key);
    if (fs.file.hasDimensions) dimensions = await readDimensions(storage, staged, upload.object.contentType);
  } catch (error) {
    storage.log.error({ err: error, key }, 'preparing a replacement upload failed');
    if (key !== staged) await removeQuietly(storage, key);
    throw toStorageError(error);
  }
  const { size, contentType, checksum } = upload.object;
  const policy = fs.gen.policy(model.name);
  const name = args.name?.trim() ? cleanFileName(args.name) : upload.originalName;
  let result;
  try {
    result = await swapContent(fs, ctx, args.id, current.key as string, async (row) => ({
      key,
      size: fs.file.sizeType === 'BigInt' ? BigInt(size) : size,
      contentType,
      checksum,
      // The name is the client's: a field rule that locks it keeps the old one.
      originalName: policy.writeField(ctx, 'originalName') ? name : row.originalName,
      ...(fs.file.hasDimensions ? dimensions : {}),
    }));
  } catch (error) {
    if (key !== staged) await removeQuietly(storage, key);
    throw error;
  }
  if (key === staged) upload.kept = true;
  await deleteVersionObjects(storage, result.dropped);
  return readBack(fs, ctx, query, result.row);
}
