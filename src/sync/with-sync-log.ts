import type { WriteHooks } from '../hooks/write-hooks.ts';
import type { ChangeLog } from './change-log.ts';

/**
 * The write pipeline's hooks with the sync change log added: every change
 * a transaction recorded to a sync model (creates, updates, deletes,
 * nested writes, hooks' writes, and the rows the database cascades or sets
 * null) is logged in that transaction, just before it commits — a change is
 * in the log exactly when it committed. Sync models report triggers, so
 * their writes always run in a transaction (see `needsTransaction`).
 */
export function withSyncLog(hooks: WriteHooks, log: ChangeLog, models: ReadonlySet<string>, now: () => number = Date.now): WriteHooks {
  return {
    ...hooks,
    hasTriggers: (model, operation) => models.has(model) || hooks.hasTriggers(model, operation),
    async beforeCommit(input) {
      const logged = input.changes
        .filter((c) => models.has(c.model))
        .map((c) => ({ model: c.model, rowKey: String(Object.values(c.key)[0]), deleted: c.kind === 'DELETED' }));
      if (logged.length) await log.append(input.tx, logged, now());
      return hooks.beforeCommit(input);
    },
  };
}
