import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { ChangeSink } from '../base/change-event.ts';
import type { Storage } from './create-storage.ts';
import { deleteFileObjects, deleteKeys } from './delete-file-objects.ts';
import { sweepFileVersions } from './sweep-versions.ts';

/** What one sweep removed. */
export interface SweepReport {
  /** Pending uploads never completed within `pendingTtlSeconds` (rows and objects). */
  pendingUploads: number;
  /** Objects without a File row (failed deletes, rows removed by database cascades, crashed uploads). */
  orphanObjects: number;
  /** File versions past the retention settings, or of files that no longer exist (rows and objects). */
  fileVersions: number;
  /** Objects S3 refused to delete; the next sweep retries them. */
  failures: number;
}

export interface SweepOptions {
  /** The time to sweep as of. @default storage.now() */
  now?: Date;
  /** Where to publish the DELETED events of swept pending rows. @default none */
  changes?: ChangeSink;
}

const PAGE = 500;

/**
 * Deletes pending uploads older than `pendingTtlSeconds`: the row first
 * (only while still PENDING, so a concurrent `completeUpload` wins or loses
 * cleanly), then its object if the client uploaded one.
 */
export async function sweepPendingUploads(storage: Storage, options: SweepOptions = {}): Promise<{ deleted: number; failures: number }> {
  const { file, prisma, config } = storage;
  const cutoff = new Date((options.now ?? storage.now()).getTime() - config.pendingTtlSeconds * 1000);
  const delegate = prisma[file.delegate];
  const id = file.id.name;
  let deleted = 0;
  let failures = 0;
  for (;;) {
    const rows: Record<string, unknown>[] = await delegate.findMany({ where: { status: 'PENDING', createdAt: { lt: cutoff } }, take: PAGE, orderBy: { createdAt: 'asc' } });
    if (rows.length === 0) break;
    for (const row of rows) {
      const { count } = await delegate.deleteMany({ where: { [id]: row[id], status: 'PENDING' } });
      if (count === 0) continue;
      deleted += 1;
      options.changes?.publish([{ model: file.model.name, kind: 'DELETED', key: { [id]: row[id] }, row }]);
      try {
        await deleteFileObjects(storage, row.key as string);
      } catch (error) {
        failures += 1;
        storage.log.warn({ err: error, key: row.key }, 'could not delete the object of an expired upload; the orphan sweep will retry');
      }
    }
    if (rows.length < PAGE) break;
  }
  return { deleted, failures };
}

/**
 * Deletes objects under Strata's own prefixes that no File row, file version
 * or pending replacement refers to and
 * that are older than `orphanGraceSeconds` (the grace covers uploads whose
 * row is being written). Variants go with their source. Keys Strata did not
 * make are never touched, so the bucket may be shared.
 */
export async function sweepOrphanObjects(storage: Storage, options: SweepOptions = {}): Promise<{ deleted: number; failures: number }> {
  const { client, bucket, keys, prisma, file, config } = storage;
  const cutoff = (options.now ?? storage.now()).getTime() - config.orphanGraceSeconds * 1000;
  let deleted = 0;
  let failures = 0;
  for (const prefix of keys.roots) {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      const old = (page.Contents ?? []).filter((o) => o.Key && keys.isOwn(o.Key) && (o.LastModified?.getTime() ?? 0) < cutoff).map((o) => o.Key!);
      if (old.length) {
        const sources = [...new Set(old.map((k) => keys.sourceOf(k)))];
        const rows: { key: string }[] = await prisma[file.delegate].findMany({ where: { key: { in: sources } }, select: { key: true } });
        const versions: { key: string }[] = await prisma.strataFileVersion.findMany({ where: { key: { in: sources } }, select: { key: true } });
        const replacing: { key: string }[] = await prisma.strataFileReplacement.findMany({ where: { key: { in: sources } }, select: { key: true } });
        const known = new Set([...rows, ...versions, ...replacing].map((r) => r.key));
        const orphans = old.filter((k) => !known.has(keys.sourceOf(k)));
        if (orphans.length) {
          try {
            await deleteKeys(storage, orphans);
            deleted += orphans.length;
          } catch (error) {
            failures += orphans.length;
            storage.log.warn({ err: error, count: orphans.length }, 'could not delete orphan objects; the next sweep retries');
          }
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return { deleted, failures };
}

/** One full cleanup: expired pending uploads, old file versions, then orphan objects. Safe to run on every instance at once. */
export async function sweep(storage: Storage, options: SweepOptions = {}): Promise<SweepReport> {
  const pending = await sweepPendingUploads(storage, options);
  const versions = await sweepFileVersions(storage, options.now ?? storage.now());
  const orphans = await sweepOrphanObjects(storage, options);
  const report = { pendingUploads: pending.deleted, fileVersions: versions.deleted, orphanObjects: orphans.deleted, failures: pending.failures + versions.failures + orphans.failures };
  if (report.pendingUploads || report.fileVersions || report.orphanObjects || report.failures) storage.log.info(report, 'storage sweep');
  return report;
}

/**
 * Runs {@link sweep} every `intervalSeconds` (never two at once in this
 * process); returns the function that stops it. 0 starts nothing.
 */
export function startSweeper(storage: Storage, intervalSeconds: number): () => void {
  if (intervalSeconds <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep(storage)
      .catch((error) => storage.log.error({ err: error }, 'storage sweep failed; it runs again at the next interval'))
      .finally(() => (running = false));
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
