import { DeleteObjectCommand, DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Storage } from './create-storage.ts';

/**
 * Deletes a file's object and its image variants. Throws when S3 fails:
 * callers delete the row first, so a failure leaves an object without a
 * row, which the orphan sweep removes later — never a row without its object.
 */
export async function deleteFileObjects(storage: Storage, key: string): Promise<void> {
  const { client, bucket, keys } = storage;
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: keys.variantsOf(key), ContinuationToken: token }));
    const variants = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (variants.length) await deleteKeys(storage, variants.map((v) => v.Key));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Deletes up to 1000 keys in one request; throws if S3 refused any of them. */
export async function deleteKeys(storage: Storage, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const result = await storage.client.send(
      new DeleteObjectsCommand({ Bucket: storage.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    );
    if (result.Errors?.length) throw new Error(`S3 refused to delete ${result.Errors.map((e) => `${e.Key} (${e.Code})`).join(', ')}`);
  }
}
