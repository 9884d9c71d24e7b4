import { AppError } from '../base/errors.ts';
import { jsonKey } from '../base/json.ts';
import { and } from '../permissions/policy.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import type { WriteSession } from './write-session.ts';

type Row = Record<string, unknown>;

const isPlain = (value: unknown) => value === null || typeof value !== 'object' || value instanceof Date;

/**
 * A foreign key the client sets as a column (`createComment(data: { postId })`)
 * is a `connect`: the row it points at must be one the viewer may read,
 * else NOT_FOUND `<Target> not found` — the same answer for a hidden row
 * as for a missing one, before anything is written. One statement per
 * relation for all `rows` (a createMany); `existing` completes a compound
 * key an update sets in part. Values from presets, hooks and parents are
 * trusted and not passed here; trusted sessions skip the check.
 */
export async function requireTargets(s: WriteSession, model: DmmfModel, rows: Row[], existing?: Row): Promise<void> {
  if (s.trusted) return;
  for (const field of model.fields) {
    const from = field.relationFromFields;
    if (field.kind !== 'object' || !from?.length) continue;
    const to = field.relationToFields ?? [];
    const target = s.datamodel.model(field.type);
    const wanted = new Map<string, Row>();
    for (const row of rows) {
      if (!from.some((column) => row[column] !== undefined)) continue;
      const values = from.map((column) => (row[column] !== undefined ? row[column] : existing?.[column]));
      if (values.some((value) => !isPlain(value))) throw new AppError('BAD_USER_INPUT', `${model.name}.${from.join(', ')} points at a ${target.name}: set it to a value`);
      // A null key points nowhere (a disconnect): nothing to check.
      if (values.some((value) => value === null || value === undefined)) continue;
      wanted.set(jsonKey(values), Object.fromEntries(to.map((column, i) => [column, values[i]])));
    }
    if (!wanted.size) continue;
    const read = s.policy(target).read(s.ctx);
    const select = Object.fromEntries(to.map((column) => [column, true]));
    const found: Row[] = read ? await s.delegate(target).findMany({ where: and({ OR: [...wanted.values()] }, read), select }) : [];
    const seen = new Set(found.map((row) => jsonKey(to.map((column) => row[column]))));
    if ([...wanted.keys()].some((key) => !seen.has(key))) throw new AppError('NOT_FOUND', `${target.name} not found`);
  }
}
