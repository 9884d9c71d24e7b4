import type { ChangeKind } from '../base/change-event.ts';
import type { Match } from '../permissions/match-row.ts';

export type Row = Record<string, unknown>;

/** What a subscription yields: `PostChange`. */
export interface ChangePayload {
  kind: ChangeKind;
  node: Row;
  /** The row is no longer in the subscriber's view (moved out of its filter, or deleted). */
  leaving: boolean;
  cursor: string;
}

/**
 * How one kind of subscription reads rows. Subscriptions whose specs have the
 * same `key` (model, filter, permissions, selection) share one query per batch.
 */
export interface GroupSpec {
  key: string;
  model: string;
  /** Stable text of a row's primary key (from an event key or a loaded row). */
  keyOf(row: Row): string;
  /** The rows among `keys` the subscriber sees now, with the selection's relations. */
  load(keys: Row[]): Promise<Row[]>;
  /** Whether a row's scalars match the filter and permissions, when that is certain without the database. */
  matchInMemory(row: Row): Match;
  /** A node for a row that is gone or no longer visible, from its scalars; null when none can be built. */
  removedNode(row: Row): Promise<Row | null>;
}
