import type { Context } from '../../base/context.ts';
import { badInput } from '../../base/errors.ts';
import { runWrite } from '../../writes/run-write.ts';
import { cleanFileName } from '../content-types.ts';
import { type Dimensions, readDimensions } from '../image-dimensions.ts';
import { removeQuietly } from '../put-stream.ts';
import { StagedUpload } from '../staged-upload.ts';
import { toStorageError } from '../storage-errors.ts';
import { clientColumns, createFileRow, copyObject, type FileSchema, readBack, systemColumns } from './file-writes.ts';

interface UploadFileArgs {
  file: StagedUpload;
  public?: boolean | null;
  name?: string | null;
  metadata?: unknown;
}

/**
 * `uploadFile(file: Upload!, public, name, metadata)`: turns a file the
 * multipart plugin already streamed and checked into an ACTIVE file row,
 * through the write pipeline (the File create rule, its row check and
 * presets, hooks, change events). A public file is copied under `public/`
 * first. If the row cannot be written the object is deleted with the
 * request's other unkept uploads.
 */
export async function uploadFile(fs: FileSchema, ctx: Context, query: object, args: UploadFileArgs) {
  const storage = fs.storage();
  const upload = args.file;
  if (!(upload instanceof StagedUpload)) throw badInput('file must be an uploaded file');
  if (upload.used) throw badInput('Each uploaded file can be stored by one field only', { argument: 'file' });
  upload.used = true;
  const visibility = args.public ? 'public' : 'private';
  const staged = upload.object.key;
  const key = visibility === 'public' ? storage.keys.withVisibility(staged, 'public') : staged;
  let dimensions: Dimensions = { width: null, height: null };
  try {
    if (key !== staged) await copyObject(storage, staged, key);
    if (fs.file.hasDimensions) dimensions = await readDimensions(storage, staged, upload.object.contentType);
  } catch (error) {
    storage.log.error({ err: error, key }, 'copying an upload to public/ or reading its size failed');
    if (key !== staged) await removeQuietly(storage, key);
    throw toStorageError(error);
  }
  const { size, contentType, checksum } = upload.object;
  let row;
  try {
    row = await runWrite(fs.gen, ctx, (s) =>
      createFileRow(s, fs, clientColumns(fs, args.name?.trim() ? cleanFileName(args.name) : upload.originalName, args.metadata), systemColumns(fs, ctx, { key, size, contentType, checksum, status: 'ACTIVE', visibility, ...dimensions })),
    );
  } catch (error) {
    if (key !== staged) await removeQuietly(storage, key);
    throw error;
  }
  if (key === staged) upload.kept = true;
  return readBack(fs, ctx, query, row);
}
