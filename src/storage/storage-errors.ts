import { AppError } from '../base/errors.ts';

/** Whether an S3 error means "no such object". */
export function isMissingObject(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.Code === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * The error a client sees when S3 fails (unreachable, refused, timed out):
 * clear about what happened and that nothing was kept, without S3's details.
 * The cause is logged by the caller.
 */
export function storageUnavailable(): AppError {
  return new AppError('INTERNAL_SERVER_ERROR', 'File storage is unavailable; nothing was stored. Try again later.', { reason: 'STORAGE_UNAVAILABLE' });
}

/** AppErrors pass; anything else from S3 becomes {@link storageUnavailable}. */
export function toStorageError(error: unknown): AppError {
  return error instanceof AppError ? error : storageUnavailable();
}
