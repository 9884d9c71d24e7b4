import type { PrismaLike } from '../base/context.ts';
import type { WriteHooks } from '../hooks/write-hooks.ts';
import type { Datamodel, DmmfModel } from '../base/datamodel.ts';
import { ChangeLog } from './change-log.ts';
import type { ConflictRule, SyncRules } from './define-sync.ts';
import { syncModels } from './sync-models.ts';
import { withSyncLog } from './with-sync-log.ts';

/** How the server's sync is set up (read from config and `app/sync.ts` by the app). */
export interface SyncOptions {
  /** Conflict rules per model. @default every model rejects */
  rules?: SyncRules;
  /** How long the change log keeps changes (see `SyncConfig.retentionSeconds`). @default 30 days */
  retentionMs?: number;
  /** The clock of checkpoints and retention. @default Date.now */
  now?: () => number;
}

/** The sync services one schema's fields share. */
export interface Sync {
  models: DmmfModel[];
  log: ChangeLog;
  retentionMs: number;
  now: () => number;
  conflictRule(model: string): ConflictRule;
  /** The write pipeline's hooks, with the change log written in each transaction. */
  hooks(inner: WriteHooks): WriteHooks;
  /** Deletes changes past retention, at most once a minute per process. */
  prune(prisma: PrismaLike): void;
}

/** Changes are pruned this long after retention ends: a long transaction's changes are written before their checkpoint's time. */
const PRUNE_GRACE_MS = 10 * 60_000;

/** The sync services of a datamodel; null when no model is `/// @sync`. Refuses invalid sync models (see `syncModels`). */
export function createSync(datamodel: Datamodel, { rules = {}, retentionMs = 30 * 86_400_000, now = Date.now }: SyncOptions = {}): Sync | null {
  const models = syncModels(datamodel);
  if (models.length === 0) return null;
  for (const name of Object.keys(rules)) {
    if (!models.some((m) => m.name === name)) throw new Error(`app/sync.ts configures ${name}, which is not a /// @sync model`);
  }
  const log = new ChangeLog(datamodel.provider);
  const names = new Set(models.map((m) => m.name));
  let lastPrune = 0;
  return {
    models,
    log,
    retentionMs,
    now,
    conflictRule: (model) => rules[model]?.conflict ?? 'reject',
    hooks: (inner) => withSyncLog(inner, log, names, now),
    prune(prisma) {
      const at = now();
      if (at - lastPrune < 60_000) return;
      lastPrune = at;
      log.prune(prisma, at - retentionMs - PRUNE_GRACE_MS).catch(() => {
        lastPrune = 0;
      });
    },
  };
}
