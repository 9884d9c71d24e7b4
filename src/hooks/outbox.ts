import { randomUUID } from 'node:crypto';
import type { ChangeEvent } from '../base/change-event.ts';
import { jsonRow } from '../base/json.ts';

/** The operations a trigger listens to. */
export type TriggerOn = 'create' | 'update' | 'delete';

const onOf: Record<ChangeEvent['kind'], TriggerOn> = { CREATED: 'create', UPDATED: 'update', DELETED: 'delete' };

/** One committed row change as a trigger sees it; rows are JSON (see {@link jsonRow}). */
export interface TriggerChange {
  model: string;
  kind: TriggerOn;
  /** Primary key values of the row. */
  key: Record<string, unknown>;
  /** The row after the write (before it, for deletes). */
  row: Record<string, unknown>;
  /** The row before an update. */
  previous?: Record<string, unknown>;
}

/** What the write pipeline needs to know of a trigger to write its outbox rows. */
export interface OutboxTarget {
  name: string;
  model: string;
  on: TriggerOn[];
  /** Runs inside the write's transaction; an error rolls the write back. */
  where?: (change: TriggerChange) => boolean | Promise<boolean>;
  maxAttempts: number;
}

/** A row of `StrataOutbox` (see `src/functions/internal-tables.ts`). */
export interface OutboxRow {
  id: string;
  trigger: string;
  model: string;
  kind: TriggerOn;
  payload: string;
  status: 'pending';
  attempts: number;
  maxAttempts: number;
  availableAt: Date;
}

/** The outbox rows of a transaction's changes: one per change and matching trigger, due at `now`. */
export async function outboxRows(changes: ChangeEvent[], targets: OutboxTarget[], now: Date): Promise<OutboxRow[]> {
  const rows: OutboxRow[] = [];
  for (const event of changes) {
    const kind = onOf[event.kind];
    const matching = targets.filter((t) => t.model === event.model && t.on.includes(kind));
    if (matching.length === 0) continue;
    const change: TriggerChange = {
      model: event.model,
      kind,
      key: jsonRow(event.key),
      row: jsonRow(event.row),
      ...(event.previous ? { previous: jsonRow(event.previous) } : {}),
    };
    for (const target of matching) {
      if (target.where && !(await target.where(change))) continue;
      rows.push({
        id: randomUUID(),
        trigger: target.name,
        model: event.model,
        kind,
        payload: JSON.stringify(change),
        status: 'pending',
        attempts: 0,
        maxAttempts: target.maxAttempts,
        availableAt: now,
      });
    }
  }
  return rows;
}
