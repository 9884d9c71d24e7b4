import type { Context } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { matchesRule } from '../../permissions/visibility.ts';
import { contentDisposition } from '../content-types.ts';
import { ensureVariant, type TransformInput, variantSpec } from '../image-variants.ts';
import { presignGet, publicUrl } from '../presign.ts';
import { toStorageError } from '../storage-errors.ts';
import type { FileSchema } from './file-writes.ts';

type Row = Record<string, any>;

/** What a download URL is made of: a file's current content or one of its versions. */
export interface Content {
  key: string;
  contentType: string;
  originalName: string;
  /** The file's `public` flag. */
  public: boolean;
}

/** Whether the viewer may read the file row (one batched query per request, whatever path led to the row). */
export async function isReadableFile(fs: FileSchema, ctx: Context, row: Row): Promise<boolean> {
  const { model, delegate, id } = fs.file;
  return matchesRule(ctx, delegate, [id.name], fs.gen.policy(model.name).read(ctx), row);
}

/**
 * `File.url(transform)`: where to download the file (or an image variant,
 * generated on first request). Public files get their permanent public URL,
 * private ones a presigned GET that expires after `downloadUrlTtlSeconds`.
 * Null for pending uploads and for rows the viewer may not read (checked
 * again here, whatever path led to the row).
 */
export async function fileUrl(fs: FileSchema, ctx: Context, row: Row, transform: TransformInput | null | undefined): Promise<string | null> {
  if (row.status !== 'ACTIVE') return null;
  if (!(await isReadableFile(fs, ctx, row))) return null;
  return contentUrl(fs, row as Content, transform);
}

/** The download URL of stored content (see {@link fileUrl}); the caller checked the viewer may read it. */
export async function contentUrl(fs: FileSchema, content: Content, transform: TransformInput | null | undefined): Promise<string> {
  const storage = fs.storage();
  try {
    const spec = transform ? variantSpec(storage, content.contentType, transform) : null;
    const key = spec ? await ensureVariant(storage, content.key, spec) : content.key;
    if (storage.keys.visibility(content.key) === 'public' && content.public) return publicUrl(storage, key);
    const type = spec ? `image/${spec.format}` : content.contentType;
    // A variant keeps the file's name with its own extension: photo.png as webp downloads as photo.webp.
    const name = spec ? `${String(content.originalName).replace(/\.[^.]*$/, '')}.${spec.format === 'jpeg' ? 'jpg' : spec.format}` : content.originalName;
    return (await presignGet(storage, key, { disposition: contentDisposition(type, name), contentType: type })).url;
  } catch (error) {
    if (!(error instanceof AppError)) storage.log.error({ err: error, key: content.key }, 'making a download URL failed');
    throw toStorageError(error);
  }
}
