import type { Context } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { matchesRule } from '../../permissions/visibility.ts';
import { contentDisposition } from '../content-types.ts';
import { ensureVariant, type TransformInput, variantSpec } from '../image-variants.ts';
import { presignGet, publicUrl } from '../presign.ts';
import { toStorageError } from '../storage-errors.ts';
import type { FileSchema } from './file-writes.ts';

type Row = Record<string, any>;

/**
 * `File.url(transform)`: where to download the file (or an image variant,
 * generated on first request). Public files get their permanent public URL,
 * private ones a presigned GET that expires after `downloadUrlTtlSeconds`.
 * Null for pending uploads and for rows the viewer may not read (checked
 * again here, in one batched query per request, whatever path led to the row).
 */
export async function fileUrl(fs: FileSchema, ctx: Context, row: Row, transform: TransformInput | null | undefined): Promise<string | null> {
  if (row.status !== 'ACTIVE') return null;
  const { model, delegate, id } = fs.file;
  const visible = await matchesRule(ctx, delegate, [id.name], fs.gen.policy(model.name).read(ctx), row);
  if (!visible) return null;
  const storage = fs.storage();
  try {
    const spec = transform ? variantSpec(storage, row.contentType, transform) : null;
    const key = spec ? await ensureVariant(storage, row.key, spec) : row.key;
    if (storage.keys.visibility(row.key) === 'public' && row.public) return publicUrl(storage, key);
    const type = spec ? `image/${spec.format}` : row.contentType;
    // A variant keeps the file's name with its own extension: photo.png as webp downloads as photo.webp.
    const name = spec ? `${String(row.originalName).replace(/\.[^.]*$/, '')}.${spec.format === 'jpeg' ? 'jpg' : spec.format}` : row.originalName;
    return (await presignGet(storage, key, { disposition: contentDisposition(type, name), contentType: type })).url;
  } catch (error) {
    if (!(error instanceof AppError)) storage.log.error({ err: error, key: row.key }, 'making a download URL failed');
    throw toStorageError(error);
  }
}
