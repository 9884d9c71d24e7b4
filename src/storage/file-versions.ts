import type { Context, PrismaLike } from '../base/context.ts';
import type { Storage } from './create-storage.ts';
import { deleteFileObjects } from './delete-file-objects.ts';
import type { FileModel } from './file-model.ts';

type Row = Record<string, any>;

/** A row of Strata's version table (`StrataFileVersion`). */
export interface FileVersionRow {
  fileId: string | number;
  version: number;
  key: string;
  bucket: string;
  size: bigint;
  contentType: string;
  checksum: string | null;
  originalName: string;
  width: number | null;
  height: number | null;
  replacedAt: Date;
  replacedBy: string | null;
}

/** The columns of a file row that make up its content: what a version keeps and a restore brings back. */
export function contentOf(file: FileModel, row: Row): Row {
  const content: Row = { key: row.key, bucket: row.bucket, size: row.size, contentType: row.contentType, checksum: row.checksum ?? null, originalName: row.originalName };
  if (file.hasDimensions) Object.assign(content, { width: row.width ?? null, height: row.height ?? null });
  return content;
}

/**
 * Keeps a file's current content as its next version, inside the caller's
 * transaction. Two concurrent replaces of one file pick the same number
 * (or the same key) and the second fails on the table's keys: it rolls
 * back with CONFLICT rather than losing a version.
 */
export async function archiveContent(tx: PrismaLike, file: FileModel, row: Row, ctx: Context): Promise<number> {
  const fileId = row[file.id.name];
  const last = await tx.strataFileVersion.findFirst({ where: { fileId }, orderBy: { version: 'desc' }, select: { version: true } });
  const version = (last?.version ?? 0) + 1;
  const content = contentOf(file, row);
  await tx.strataFileVersion.create({
    data: {
      fileId,
      version,
      ...content,
      size: BigInt(content.size),
      width: content.width ?? null,
      height: content.height ?? null,
      replacedBy: ctx.viewer.kind === 'user' ? String(ctx.viewer.id) : null,
    },
  });
  return version;
}

/** Deletes a file's versions beyond the newest `keep` (inside the caller's transaction); returns their keys, whose objects go after the commit. */
export async function trimVersions(tx: PrismaLike, fileId: unknown, keep: number): Promise<string[]> {
  const old: { version: number; key: string }[] = await tx.strataFileVersion.findMany({ where: { fileId }, orderBy: { version: 'desc' }, skip: keep, select: { version: true, key: true } });
  const gone: string[] = [];
  for (const v of old) {
    // Only keys whose row this transaction deleted: a row gone meanwhile is someone else's to clean up.
    const { count } = await tx.strataFileVersion.deleteMany({ where: { fileId, version: v.version, key: v.key } });
    if (count) gone.push(v.key);
  }
  return gone;
}

/**
 * Deletes the objects of version rows already deleted. A failure is logged
 * and left to the orphan sweep (the rows are gone, so the keys are orphans).
 */
export async function deleteVersionObjects(storage: Storage, keys: string[]): Promise<void> {
  for (const key of keys) {
    await deleteFileObjects(storage, key).catch((error) => storage.log.warn({ err: error, key }, 'file version deleted but its object could not be; the orphan sweep will delete it'));
  }
}

/** Deletes every version and pending replacement of deleted files, rows first, then objects; returns how many version rows went. */
export async function deleteVersionsOf(storage: Storage, fileIds: unknown[]): Promise<number> {
  if (!fileIds.length) return 0;
  const { prisma } = storage;
  const rows: { key: string }[] = await prisma.strataFileVersion.findMany({ where: { fileId: { in: fileIds } }, select: { key: true } });
  const pending: { key: string }[] = await prisma.strataFileReplacement.findMany({ where: { fileId: { in: fileIds } }, select: { key: true } });
  const { count } = rows.length ? await prisma.strataFileVersion.deleteMany({ where: { fileId: { in: fileIds }, key: { in: rows.map((r) => r.key) } } }) : { count: 0 };
  if (pending.length) await prisma.strataFileReplacement.deleteMany({ where: { fileId: { in: fileIds }, key: { in: pending.map((r) => r.key) } } });
  await deleteVersionObjects(storage, [...rows, ...pending].map((r) => r.key));
  return count;
}
