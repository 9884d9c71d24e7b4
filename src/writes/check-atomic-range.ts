import { badInput } from '../base/errors.ts';
import type { DmmfModel } from '../base/datamodel.ts';

type Row = Record<string, unknown>;

/** The integer columns whose range the databases enforce differently. */
const ranges: Record<string, readonly [bigint, bigint]> = {
  Int: [-(2n ** 31n), 2n ** 31n - 1n],
  BigInt: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** Integer arithmetic as both databases do it (division truncates toward zero). */
function apply(op: string, value: bigint, amount: bigint): bigint | undefined {
  switch (op) {
    case 'increment':
      return value + amount;
    case 'decrement':
      return value - amount;
    case 'multiply':
      return value * amount;
    case 'divide':
      return amount === 0n ? undefined : value / amount;
  }
  return undefined;
}

const asBigInt = (value: unknown): bigint | undefined =>
  typeof value === 'bigint' ? value : typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : undefined;

/**
 * Refuses an atomic update (`_increment`, `_decrement`, `_multiply`,
 * `_divide`, in Prisma's form `{ views: { increment: 5n } }`) of an `Int` or
 * `BigInt` column that would take any of `rows` (as read before the write)
 * out of the column's range, with the answer PostgreSQL's own refusal gets.
 * SQLite raises no error: it stores a 64-bit value in an `Int` column (which
 * no read can then return as a GraphQL `Int`) and turns a `BigInt` past
 * 2^63 - 1 into a float. The rows are locked in a PostgreSQL transaction and
 * SQLite writes one at a time, so a write racing the check is PostgreSQL's to
 * refuse (and SQLite's gap, outside a transaction).
 */
export function assertAtomicInRange(model: DmmfModel, rows: Row[], data: Row): void {
  for (const [field, change] of Object.entries(data)) {
    const type = model.fields.find((f) => f.name === field && f.kind === 'scalar' && !f.isList)?.type;
    const range = type ? ranges[type] : undefined;
    if (!range || !change || typeof change !== 'object') continue;
    const [op, amount] = Object.entries(change)[0] ?? [];
    const by = asBigInt(amount);
    if (op === undefined || by === undefined) continue;
    for (const row of rows) {
      const value = asBigInt(row[field]);
      const next = value === undefined ? undefined : apply(op, value, by);
      if (next !== undefined && (next < range[0] || next > range[1])) {
        throw badInput(`A value is out of range for its column in ${model.name}`, { field });
      }
    }
  }
}
