import DataLoader from 'dataloader';
import type { Context } from '../../base/context.ts';
import type { FileVersionRow } from '../file-versions.ts';

const loaders = new WeakMap<Context, DataLoader<string | number, FileVersionRow[]>>();

/**
 * The versions of a file, newest first, loaded with those of every other
 * file resolved in the same tick (one query for `files { versions }`).
 * Never cached: a subscription keeps one context across changes.
 */
export function loadVersions(ctx: Context, fileId: string | number): Promise<FileVersionRow[]> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(
      async (ids) => {
        const rows: FileVersionRow[] = await ctx.prisma.strataFileVersion.findMany({ where: { fileId: { in: [...ids] } }, orderBy: [{ fileId: 'asc' }, { version: 'desc' }] });
        const byFile = new Map<unknown, FileVersionRow[]>();
        for (const row of rows) byFile.set(row.fileId, [...(byFile.get(row.fileId) ?? []), row]);
        return ids.map((id) => byFile.get(id) ?? []);
      },
      { cache: false },
    );
    loaders.set(ctx, loader);
  }
  return loader.load(fileId);
}
