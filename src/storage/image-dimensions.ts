import { GetObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { imageTypes } from './content-types.ts';
import type { Storage } from './create-storage.ts';

/** Width and height of an image, as displayed. */
export interface Dimensions {
  width: number | null;
  height: number | null;
}

/** Bytes read to find an image's size: every format Strata accepts states it in its header (JPEG after its EXIF block, which is at most 64 KiB). */
const HEAD_BYTES = 256 * 1024;

const none: Dimensions = { width: null, height: null };

/**
 * The pixel size of a stored image, read with sharp from the first 256 KiB
 * of the object (one ranged GET), with EXIF orientation applied so a
 * portrait photo taken sideways reports its portrait size. Null sizes for
 * non-images and for images sharp cannot read (logged): a file's
 * dimensions are metadata, never a reason to refuse it.
 */
export async function readDimensions(storage: Storage, key: string, contentType: string): Promise<Dimensions> {
  if (!imageTypes.has(contentType)) return none;
  const object = await storage.client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: key, Range: `bytes=0-${HEAD_BYTES - 1}` }));
  const head = await object.Body!.transformToByteArray();
  try {
    const meta = await sharp(head, { failOn: 'none', limitInputPixels: false }).metadata();
    if (!meta.width || !meta.height) return none;
    const turned = (meta.orientation ?? 1) >= 5;
    return turned ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
  } catch (error) {
    storage.log.warn({ err: error, key, contentType }, 'could not read the size of an image; its width and height stay null');
    return none;
  }
}
