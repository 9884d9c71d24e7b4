import type { Storage } from './create-storage.ts';
import { deleteKeys } from './delete-file-objects.ts';

const PAGE = 500;

/**
 * Deletes version rows, then their objects (a failed object delete is
 * left to the orphan sweep, since the row is gone). Returns the rows deleted.
 */
async function drop(storage: Storage, rows: { fileId: unknown; version: number; key: string }[]): Promise<{ deleted: number; failures: number }> {
  const gone: string[] = [];
  for (const row of rows) {
    const { count } = await storage.prisma.strataFileVersion.deleteMany({ where: { fileId: row.fileId, version: row.version, key: row.key } });
    // A version restored since it was read is the file's content now: its object must stay.
    if (count) gone.push(row.key);
  }
  if (!gone.length) return { deleted: 0, failures: 0 };
  try {
    // Variants of a version are left to the orphan sweep: listing them here would cost a request per key.
    await deleteKeys(storage, gone);
    return { deleted: gone.length, failures: 0 };
  } catch (error) {
    storage.log.warn({ err: error, count: gone.length }, 'could not delete the objects of old file versions; the orphan sweep retries');
    return { deleted: gone.length, failures: gone.length };
  }
}

const columns = { fileId: true, version: true, key: true } as const;

/**
 * Applies the version retention settings to every file: versions older
 * than `versionsMaxAgeSeconds` (when set), versions beyond the newest
 * `versionsKeep` per file (after the setting was lowered; replaces trim
 * as they go), and versions of files that no longer exist (a database
 * cascade deleted the row, or deleting the versions after the row failed);
 * and direct replacements not completed within `pendingTtlSeconds`.
 */
export async function sweepFileVersions(storage: Storage, now: Date): Promise<{ deleted: number; failures: number }> {
  const { prisma, config, file } = storage;
  const versions = prisma.strataFileVersion;
  const total = { deleted: 0, failures: 0 };
  const add = (r: { deleted: number; failures: number }) => {
    total.deleted += r.deleted;
    total.failures += r.failures;
  };
  if (config.versionsMaxAgeSeconds > 0) {
    const cutoff = new Date(now.getTime() - config.versionsMaxAgeSeconds * 1000);
    for (let i = 0; i < 1000; i++) {
      const rows = await versions.findMany({ where: { replacedAt: { lt: cutoff } }, take: PAGE, select: columns });
      if (rows.length) add(await drop(storage, rows));
      if (rows.length < PAGE) break;
    }
  }
  const crowded: { fileId: unknown }[] = await versions.groupBy({ by: ['fileId'], having: { version: { _count: { gt: config.versionsKeep } } } });
  for (const { fileId } of crowded) {
    const rows = await versions.findMany({ where: { fileId }, orderBy: { version: 'desc' }, skip: config.versionsKeep, select: columns });
    if (rows.length) add(await drop(storage, rows));
  }
  let cursor: unknown;
  for (let i = 0; i < 10_000; i++) {
    const page: { fileId: unknown }[] = await versions.findMany({
      distinct: ['fileId'],
      select: { fileId: true },
      orderBy: { fileId: 'asc' },
      where: cursor === undefined ? {} : { fileId: { gt: cursor } },
      take: PAGE,
    });
    if (!page.length) break;
    const ids = page.map((p) => p.fileId);
    const alive: Record<string, unknown>[] = await prisma[file.delegate].findMany({ where: { [file.id.name]: { in: ids } }, select: { [file.id.name]: true } });
    const present = new Set(alive.map((r) => r[file.id.name]));
    const gone = ids.filter((id) => !present.has(id));
    if (gone.length) {
      const rows = await versions.findMany({ where: { fileId: { in: gone } }, select: columns });
      if (rows.length) add(await drop(storage, rows));
    }
    cursor = ids[ids.length - 1];
    if (page.length < PAGE) break;
  }
  const cutoff = new Date(now.getTime() - config.pendingTtlSeconds * 1000);
  for (let i = 0; i < 1000; i++) {
    const stale: { fileId: unknown; key: string }[] = await prisma.strataFileReplacement.findMany({ where: { createdAt: { lt: cutoff } }, take: PAGE, select: { fileId: true, key: true } });
    const abandoned: string[] = [];
    for (const row of stale) {
      // Only while still pending: a completion in between made the key the file's content, which must stay.
      const { count } = await prisma.strataFileReplacement.deleteMany({ where: { fileId: row.fileId, key: row.key } });
      if (count) abandoned.push(row.key);
    }
    total.deleted += abandoned.length;
    if (abandoned.length) {
      await deleteKeys(storage, abandoned).catch((error) => {
        total.failures += abandoned.length;
        storage.log.warn({ err: error, count: abandoned.length }, 'could not delete the objects of abandoned replacements; the orphan sweep retries');
      });
    }
    if (stale.length < PAGE) break;
  }
  return total;
}
