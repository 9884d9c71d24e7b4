import type { DmmfModel } from '../dmmf.ts';
import { fromPrismaError } from '../../errors.ts';
import type { WriteSession } from './write-session.ts';
import { createRow, insertRow } from './row-writes.ts';

/**
 * createMany as row writes, so every row is checked and recorded. With
 * `skipDuplicates`, a row hitting a unique constraint is skipped: PostgreSQL
 * skips it in SQL (a failed statement would abort the transaction), SQLite
 * by catching the conflict.
 */
export async function createManyRows(s: WriteSession, model: DmmfModel, rows: Record<string, unknown>[], skipDuplicates: boolean): Promise<number> {
  let count = 0;
  for (const data of rows) {
    if (!skipDuplicates) {
      await createRow(s, model, data);
      count += 1;
    } else if (s.datamodel.provider === 'postgresql') {
      if (await insertRow(s, model, data, {}, true)) count += 1;
    } else {
      try {
        await createRow(s, model, data);
        count += 1;
      } catch (error) {
        if (fromPrismaError(error)?.code !== 'CONFLICT') throw error;
      }
    }
  }
  return count;
}
