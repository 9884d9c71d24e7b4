/** What happened to a row. */
export type ChangeKind = 'CREATED' | 'UPDATED' | 'DELETED';

/**
 * One committed change to one row, produced by every write path (generated
 * mutations including each row of nested and batch writes, hooks, custom
 * functions) and published only after its transaction committed.
 */
export interface ChangeEvent {
  /** Prisma model name, e.g. `Post`. */
  model: string;
  kind: ChangeKind;
  /** Primary key values of the row, e.g. `{ id: 4 }`. */
  key: Record<string, unknown>;
  /** All scalar fields of the row after the write (before it, for DELETED). */
  row: Record<string, unknown>;
  /** All scalar fields before an update, when known. */
  previous?: Record<string, unknown>;
  /** The database made this change itself, following a delete (`onDelete: Cascade` or `SetNull`). */
  cascade?: boolean;
}

/** Where committed changes go; the realtime module provides the real one. */
export interface ChangeSink {
  publish(events: ChangeEvent[]): void;
}

/** A sink that drops everything (no subscribers wired). */
export const nullSink: ChangeSink = { publish: () => {} };
