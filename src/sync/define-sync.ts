import type { Viewer } from '../base/viewer.ts';

type Doc = Record<string, unknown>;

/** What a conflict function receives: the three states of one row, as JSON documents. */
export interface ConflictContext {
  model: string;
  viewer: Viewer;
  /** The row as it is on the server now (the master state). */
  master: Doc;
  /** The row as the client last saw it (null: the client created it). */
  assumed: Doc | null;
  /** The row as the client wants it. */
  proposed: Doc;
}

/**
 * How a push that meets a changed row is resolved:
 * - `reject` (default): nothing is written; the master state goes back to
 *   the client, whose conflict handler resolves it and pushes again;
 * - `merge`: field-level three-way merge against the assumed state — the
 *   fields only the client changed are written over the master, the fields
 *   only the server changed are kept; a field both changed differently makes
 *   it a `reject`;
 * - `last-writer-wins`: the client's state is written over the master;
 * - a function returning the document to write, or null to reject.
 */
export type ConflictRule = 'reject' | 'merge' | 'last-writer-wins' | ((ctx: ConflictContext) => Doc | null | Promise<Doc | null>);

/** Sync settings of one `/// @sync` model. */
export interface ModelSync {
  /** @default 'reject' */
  conflict?: ConflictRule;
}

/** Per-model sync settings, the default export of `app/sync.ts`. */
export type SyncRules = Record<string, ModelSync>;

/**
 * Declares how pushes to sync models resolve conflicts (`app/sync.ts`):
 * `export default defineSync({ Note: { conflict: 'merge' } })`. See docs/offline.md.
 */
export function defineSync<R extends SyncRules>(rules: R): R {
  return rules;
}
