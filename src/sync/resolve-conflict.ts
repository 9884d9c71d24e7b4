import type { Context } from '../base/context.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import type { ConflictRule } from './define-sync.ts';
import { changedFields, editedFields, type SyncDocument } from './documents.ts';

type Doc = Record<string, unknown>;

/**
 * What to write when a push's assumed state is not the master state, by the
 * model's rule; null: a conflict the client resolves (the master goes back).
 * `master` is `{ id, _deleted: true }` when the row is gone (or hidden).
 */
export async function resolveConflict(rule: ConflictRule, ctx: Context, model: DmmfModel, master: SyncDocument, assumed: Doc | null, proposed: Doc): Promise<Doc | null> {
  if (rule === 'reject') return null;
  if (rule === 'last-writer-wins') return proposed;
  if (rule === 'merge') return merge(model, master, assumed, proposed);
  const resolved = await rule({ model: model.name, viewer: ctx.viewer, master, assumed, proposed });
  return resolved ? { _deleted: false, ...resolved } : null;
}

/**
 * Three-way merge by field: the client's edits (assumed → proposed) applied
 * over the master where the server did not change the same field to
 * something else. A delete on either side, or a field both changed
 * differently, cannot be merged: null.
 */
function merge(model: DmmfModel, master: SyncDocument, assumed: Doc | null, proposed: Doc): Doc | null {
  if (!assumed || assumed._deleted || master._deleted || proposed._deleted) return null;
  const ours = editedFields(model, assumed, proposed);
  const theirs = new Set(editedFields(model, assumed, master));
  const clash = ours.filter((f) => theirs.has(f) && changedFields(model, { [f]: master[f] }, { [f]: proposed[f] }).length > 0);
  if (clash.length) return null;
  return { ...master, ...Object.fromEntries(ours.map((f) => [f, proposed[f]])) };
}
