import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { AppError, badInput } from '../base/errors.ts';
import { imageTypes } from './content-types.ts';
import type { Storage } from './create-storage.ts';
import type { VariantSpec } from './object-keys.ts';
import { isMissingObject } from './storage-errors.ts';

/** The transform a client asks for (`File.url(transform:)`). */
export interface TransformInput {
  width?: number | null;
  height?: number | null;
  fit?: VariantSpec['fit'] | null;
  format?: VariantSpec['format'] | null;
}

const formatOf: Record<string, VariantSpec['format']> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/avif': 'avif' };

/** Validates a transform for an image of `contentType` and fills in defaults (fit cover, the source's format or webp). */
export function variantSpec(storage: Storage, contentType: string, input: TransformInput): VariantSpec {
  if (!imageTypes.has(contentType)) throw badInput(`Only images can be transformed; this file is ${contentType}`, { argument: 'transform' });
  const max = storage.config.maxImageDimension;
  for (const side of ['width', 'height'] as const) {
    const value = input[side];
    if (value != null && (!Number.isInteger(value) || value < 1 || value > max)) {
      throw badInput(`transform.${side} must be between 1 and ${max}`, { argument: `transform.${side}` });
    }
  }
  if (input.width == null && input.height == null && input.format == null) throw badInput('transform needs a width, a height or a format', { argument: 'transform' });
  return { width: input.width ?? null, height: input.height ?? null, fit: input.fit ?? 'cover', format: input.format ?? formatOf[contentType] ?? 'webp' };
}

// One generation per variant at a time in this process; another instance may race, harmlessly (same bytes, same key).
const inFlight = new Map<string, Promise<void>>();

async function exists(storage: Storage, key: string): Promise<boolean> {
  try {
    await storage.client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key }));
    return true;
  } catch (error) {
    if (isMissingObject(error)) return false;
    throw error;
  }
}

async function generate(storage: Storage, sourceKey: string, key: string, spec: VariantSpec): Promise<void> {
  const source = await storage.client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: sourceKey }));
  const transformer = sharp({ limitInputPixels: 100_000_000 })
    .rotate()
    .resize({ width: spec.width ?? undefined, height: spec.height ?? undefined, fit: spec.fit, withoutEnlargement: true })
    .toFormat(spec.format);
  const body = (source.Body as Readable).pipe(transformer);
  let failed: unknown;
  body.on('error', (error) => (failed = error));
  const upload = new Upload({ client: storage.client, params: { Bucket: storage.bucket, Key: key, Body: body, ContentType: `image/${spec.format}` } });
  try {
    await upload.done();
  } catch (error) {
    if (failed) throw new AppError('BAD_USER_INPUT', 'The image could not be transformed (its content is damaged or too large)');
    throw error;
  }
  if (failed) throw new AppError('BAD_USER_INPUT', 'The image could not be transformed (its content is damaged or too large)');
}

/**
 * The key of an image variant, generated with sharp on first request and
 * kept in the bucket beside its source (`<key>@<w>x<h>-<fit>.<format>`), so
 * every later request — from any instance — is a HEAD away.
 */
export async function ensureVariant(storage: Storage, sourceKey: string, spec: VariantSpec): Promise<string> {
  const key = storage.keys.variant(sourceKey, spec);
  let pending = inFlight.get(key);
  if (!pending) {
    pending = (async () => {
      if (!(await exists(storage, key))) await generate(storage, sourceKey, key, spec);
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  await pending;
  return key;
}
