import { AppError } from '../base/errors.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import { type RelationShape, relationShape } from './relation-shape.ts';
import type { WriteSession } from './write-session.ts';

type Data = Record<string, any>;

/** One row's data, split into column values and nested relation operations. */
export interface SplitData {
  scalars: Data;
  relations: [RelationShape, Data][];
}

/** Separates column values from nested relation operations. */
export function split(s: WriteSession, model: DmmfModel, data: Data): SplitData {
  const scalars: Data = {};
  const relations: [RelationShape, Data][] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const field = model.fields.find((f) => f.name === key);
    if (!field) throw new AppError('BAD_USER_INPUT', `Unknown field ${model.name}.${key}`);
    if (field.kind === 'object') relations.push([relationShape(s.datamodel, model, field), value]);
    else scalars[key] = value;
  }
  return { scalars, relations };
}

/**
 * Fields a client may not change on update because the session presets
 * them on create: they name the row's owner (`Profile.userId`), and moving
 * the row would hand it to someone else. A field `write` rule of its own
 * decides instead, when the rules give one. Admins have no presets.
 */
export function ownerFields(s: WriteSession, model: DmmfModel): string[] {
  const policy = s.policy(model);
  return Object.keys(policy.preset(s.ctx, 'create')).filter((field) => !policy.hasWriteRule?.(field));
}

/**
 * Field rules and presets: a client may neither set a field it may not write
 * nor a field the session presets (directly or through its relation), nor
 * one of `locked` (see {@link ownerFields}).
 */
export function guardFields(s: WriteSession, model: DmmfModel, parts: SplitData, preset: Data, locked: string[] = []): void {
  const policy = s.policy(model);
  const touched = [...Object.keys(parts.scalars)];
  for (const [shape] of parts.relations) touched.push(shape.field.name, ...(shape.kind === 'owning' ? shape.from : []));
  for (const field of touched) {
    if (field in preset || locked.includes(field) || !policy.writeField(s.ctx, field)) {
      throw new AppError('FORBIDDEN', `Not allowed to set ${model.name}.${field}`, { field });
    }
  }
}

/** The values of `keys` in `input`: forced and preset columns as the hooks left them (hooks are trusted code). */
export function pick(input: Data, keys: Data): Data {
  return Object.fromEntries(Object.keys(keys).filter((k) => k in input).map((k) => [k, input[k]]));
}

/** The column values of hook-returned data where only columns can be written (batch updates, relinks). */
export function columnsOnly(s: WriteSession, model: DmmfModel, data: Data): Data {
  const parts = split(s, model, data);
  if (parts.relations.length) throw new Error(`Hooks of ${model.name} may only set column values here, not ${parts.relations.map(([r]) => r.field.name).join(', ')}`);
  return parts.scalars;
}
