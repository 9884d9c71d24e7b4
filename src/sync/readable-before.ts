import { decodeValue } from '../base/json.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import { matchRow } from '../permissions/match-row.ts';
import type { Where } from '../permissions/policy.ts';

/**
 * Whether a caller whose read rule is `read` could have read a row before
 * one of its changes, given the row's states before them (`LogEntry.before`):
 * only then may it be told the row left its view. Without this, every caller
 * would learn the ids of rows it never could read, and when they change.
 *
 * Decided in memory (`matchRow`). A state the matcher cannot decide — a rule
 * with a relation, JSON or list condition, a NULL or Decimal comparison, a
 * string ordering — or that was not recorded (`null`: an update whose
 * previous state the pipeline did not know, or an entry older than the
 * column) counts as readable: the caller is sent a removal, never left
 * holding a row it lost. `"null"` (a create) never counts.
 */
export function readableBefore(model: DmmfModel, provider: string, read: Where, befores: (string | null)[]): boolean {
  const fields = new Map(model.fields.map((f) => [f.name, f]));
  // Decimals decode as strings, which the matcher would compare as text ('1.50' vs '1.5'): leave them undecided.
  const decimals = model.fields.filter((f) => f.type === 'Decimal').map((f) => f.name);
  return befores.some((before) => {
    if (before === null) return true;
    const row = decodeValue(before) as Record<string, unknown> | null;
    if (row === null) return false;
    for (const name of decimals) delete row[name];
    return matchRow(read, row, fields, provider) !== false;
  });
}
