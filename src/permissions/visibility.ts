import DataLoader from 'dataloader';
import { jsonKey } from '../base/json.ts';
import type { Context } from '../base/context.ts';
import { type MatchField, matchRow } from './match-row.ts';
import { and, type Where } from './policy.ts';

type Row = Record<string, unknown>;

const loaders = new WeakMap<object, Map<string, DataLoader<Row, boolean, string>>>();

/** What deciding a rule on a loaded row in memory needs: the model's fields and the database's provider. */
export interface InMemoryMatch {
  fields: Map<string, MatchField>;
  provider: string;
}

/**
 * Whether `row` of a model also matches `where` (a row or field rule).
 * When the loaded row answers for sure (`{ id: viewer.id }` on a row whose
 * id is loaded), no SQL runs; otherwise checks for the same model and rule
 * within one request are batched into one query, so a rule on a to-one
 * relation adds one statement per level, never one per row.
 */
export function matchesRule(ctx: Context, delegate: string, idFields: string[], where: Where | null, row: Row, inMemory?: InMemoryMatch): Promise<boolean> | boolean {
  if (where === null) return false;
  if (Object.keys(where).length === 0) return true;
  const known = inMemory && matchRow(where, row, inMemory.fields, inMemory.provider);
  if (known !== undefined) return known;
  let byRule = loaders.get(ctx);
  if (!byRule) loaders.set(ctx, (byRule = new Map()));
  const cacheKey = `${delegate}:${jsonKey(where)}`;
  let loader = byRule.get(cacheKey);
  if (!loader) {
    const keyOf = (r: Row) => jsonKey(idFields.map((f) => r[f]));
    loader = new DataLoader<Row, boolean, string>(
      async (rows) => {
        const found: Row[] = await ctx.prisma[delegate].findMany({
          where: and({ OR: rows.map((r) => Object.fromEntries(idFields.map((f) => [f, r[f]]))) }, where),
          select: Object.fromEntries(idFields.map((f) => [f, true])),
        });
        const visible = new Set(found.map(keyOf));
        return rows.map((r) => visible.has(keyOf(r)));
      },
      // Batch within a tick, never cache: a subscription keeps one context for many events, and rows change between them.
      { cacheKeyFn: keyOf, cache: false },
    );
    byRule.set(cacheKey, loader);
  }
  return loader.load(row);
}
