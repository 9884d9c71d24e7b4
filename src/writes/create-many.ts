import type { DmmfModel } from '../base/datamodel.ts';
import { fromPrismaError } from '../base/errors.ts';
import type { WriteSession } from './write-session.ts';
import { requireTargets } from './foreign-keys.ts';
import { insertRow } from './row-writes.ts';

/**
 * createMany as row writes, so every row is checked and recorded. With
 * `skipDuplicates`, a row hitting a unique constraint is skipped: PostgreSQL
 * skips it in SQL (a failed statement would abort the transaction), SQLite
 * by catching the conflict. The foreign keys of all rows are checked
 * first, one statement per relation.
 */
export async function createManyRows(s: WriteSession, model: DmmfModel, rows: Record<string, unknown>[], skipDuplicates: boolean): Promise<number> {
  await requireTargets(s, model, rows);
  let count = 0;
  for (const data of rows) {
    if (!skipDuplicates) {
      await insertRow(s, model, data, {}, false, true);
      count += 1;
    } else if (s.datamodel.provider === 'postgresql') {
      if (await insertRow(s, model, data, {}, true, true)) count += 1;
    } else {
      try {
        await insertRow(s, model, data, {}, false, true);
        count += 1;
      } catch (error) {
        if (fromPrismaError(error)?.code !== 'CONFLICT') throw error;
      }
    }
  }
  return count;
}
