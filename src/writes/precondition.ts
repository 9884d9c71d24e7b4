import { AppError } from '../base/errors.ts';
import { matchRow } from '../permissions/match-row.ts';
import { and, type Where } from '../permissions/policy.ts';
import type { DmmfField, DmmfModel } from '../base/datamodel.ts';
import { idFields, scalarFields } from '../base/datamodel.ts';
import { toJson } from '../base/json.ts';
import { type WriteSession } from './write-session.ts';
import { keyWhere } from '../base/datamodel.ts';

type Row = Record<string, unknown>;

/**
 * Whether `row` matches `where`: decided on the loaded row when it answers
 * for sure (`{ updatedAt: { equals } }`, `{ version: 3 }`), else by one read
 * of that row through the session (inside the write's transaction, so on
 * the locked row).
 */
async function rowMatches(s: WriteSession, model: DmmfModel, row: Row, where: Where): Promise<boolean> {
  if (Object.keys(where).length === 0) return true;
  const known = matchRow(where, row, new Map(model.fields.map((f) => [f.name, f])), s.datamodel.provider);
  if (known !== undefined) return known;
  const found = await s.delegate(model).findFirst({ where: and(keyWhere(model, row), where), select: { [idFields(model)[0]]: true } });
  return !!found;
}


/**
 * The row as the viewer may see it: columns the API never shows
 * (`/// @omit`) are left out, and so is every field whose read rule does
 * not hold on this row for the viewer (the field rules of `fields: { x: { read } }`).
 */
export async function readableRow(s: WriteSession, model: DmmfModel, row: Row): Promise<Row> {
  const policy = s.policy(model);
  const guarded = new Set(policy.guardedFields);
  const out: Row = {};
  for (const field of scalarFields(model)) {
    if (!(field.name in row)) continue;
    if (guarded.has(field.name)) {
      const rule = policy.readField(s.ctx, field.name);
      if (rule === null || !(await rowMatches(s, model, row, rule))) continue;
    }
    out[field.name] = toJson(row[field.name]);
  }
  return out;
}

/**
 * The answer to a failed precondition: CONFLICT, HTTP 409, with the current
 * row (as the viewer may read it) in `extensions.current`, so a client can
 * merge and retry without another read.
 */
export async function preconditionFailed(s: WriteSession, model: DmmfModel, current: Row): Promise<AppError> {
  return new AppError('CONFLICT', `The ${model.name} does not match the precondition (if): it changed since you read it, and was not written`, {
    current: await readableRow(s, model, current),
    http: { status: 409 },
  });
}

/**
 * Throws CONFLICT unless `current` — the row a single-row update or delete
 * found, visible and allowed, locked in a PostgreSQL transaction — matches
 * the client's precondition. Called after the NOT_FOUND and FORBIDDEN
 * checks, so a conflict only ever shows a row the viewer may read and
 * change, and before anything is written.
 */
export async function requirePrecondition(s: WriteSession, model: DmmfModel, current: Row, precondition: Where | undefined): Promise<void> {
  if (precondition && !(await rowMatches(s, model, current, precondition))) throw await preconditionFailed(s, model, current);
}
