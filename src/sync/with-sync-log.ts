import type { ChangeEvent } from '../base/change-event.ts';
import { encodeValue } from '../base/json.ts';
import type { WriteHooks } from '../hooks/write-hooks.ts';
import type { ChangeLog } from './change-log.ts';

/**
 * The write pipeline's hooks with the sync change log added: every change
 * a transaction recorded to a sync model (creates, updates, deletes,
 * nested writes, hooks' writes, and the rows the database cascades or sets
 * null) is logged in that transaction, just before it commits — a change is
 * in the log exactly when it committed. Each entry keeps the row's state
 * before the change, so a pull can tell who could have read it (see
 * `readableBefore`). Sync models report triggers, so their writes always
 * run in a transaction (see `needsTransaction`).
 */
export function withSyncLog(hooks: WriteHooks, log: ChangeLog, models: ReadonlySet<string>, now: () => number = Date.now): WriteHooks {
  return {
    ...hooks,
    hasTriggers: (model, operation) => models.has(model) || hooks.hasTriggers(model, operation),
    async beforeCommit(input) {
      // Only a row's first change in the transaction starts from a committed state: the states in between were never
      // visible to anyone, so they must not earn anyone a removal (a row created public and made private at once).
      const touched = new Set<string>();
      const logged = input.changes
        .filter((c) => models.has(c.model))
        .map((c) => {
          const rowKey = String(Object.values(c.key)[0]);
          const first = !touched.has(`${c.model}:${rowKey}`);
          touched.add(`${c.model}:${rowKey}`);
          return { model: c.model, rowKey, deleted: c.kind === 'DELETED', before: first ? beforeState(c) : encodeValue(null) };
        });
      if (logged.length) await log.append(input.tx, logged, now());
      return hooks.beforeCommit(input);
    },
  };
}

/**
 * The row as it was before `change`, in the typed encoding (`encodeValue`):
 * `"null"` for a create (nobody could read it before), null when the
 * pipeline did not know it (an update without `previous`), which pull treats
 * as possibly readable.
 */
function beforeState(change: ChangeEvent): string | null {
  if (change.kind === 'CREATED') return encodeValue(null);
  if (change.kind === 'DELETED') return encodeValue(change.row);
  return change.previous ? encodeValue(change.previous) : null;
}
