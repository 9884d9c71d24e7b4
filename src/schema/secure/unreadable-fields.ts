import type { Context } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { Where } from '../../permissions/policy.ts';
import type { DmmfModel } from '../../base/datamodel.ts';
import { uniqueKeys } from '../../base/datamodel.ts';
import type { Generator } from '../generator.ts';
import { aggregateOps } from '../../base/naming.ts';

/**
 * The one place that knows which inputs name which fields. A field the viewer
 * may not read on every row (its read rule is not `{}`) must not be used to
 * filter, look up, position or order rows: the answer would tell whether a
 * hidden value matches. Every such input is refused with the same FORBIDDEN,
 * before any SQL runs, so the refusal says nothing about the rows.
 */
export function mayUseField(gen: Generator, ctx: Context, model: DmmfModel, field: string): boolean {
  const policy = gen.policy(model.name);
  if (!policy.guardedFields.includes(field)) return true;
  const readable = policy.readField(ctx, field);
  return readable !== null && Object.keys(readable).length === 0;
}

/** Refuses `fields` (of `by`, `distinct`, `having`, a unique key...) unless each is readable on every row. */
export function checkFields(gen: Generator, ctx: Context, model: DmmfModel, fields: Iterable<string>): void {
  for (const field of fields) {
    if (!mayUseField(gen, ctx, model, field)) {
      throw new AppError('FORBIDDEN', `Not allowed to filter, look up or order by ${model.name}.${field}`, { field });
    }
  }
}

const logical = new Set(['AND', 'OR', 'NOT']);
const asList = (value: unknown): Where[] => (Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : []) as Where[];

/** Refuses a `where` naming a guarded field at any depth: AND/OR/NOT and relation filters (`some`, `every`, `none`, `is`, `isNot`). */
export function checkWhere(gen: Generator, ctx: Context, model: DmmfModel, where: unknown): void {
  for (const clause of asList(where)) {
    for (const [key, value] of Object.entries(clause)) {
      if (logical.has(key)) {
        for (const inner of asList(value)) checkWhere(gen, ctx, model, inner);
        continue;
      }
      const field = model.fields.find((f) => f.name === key);
      if (field?.kind !== 'object') {
        // Even `{ email: null }` names the field (it filters on IS NULL).
        checkFields(gen, ctx, model, [key]);
        continue;
      }
      const target = gen.datamodel.model(field.type);
      for (const inner of Object.values((value ?? {}) as Where)) checkWhere(gen, ctx, target, inner);
    }
  }
}

/** Refuses a unique where (a lookup, a cursor, a `connect`) whose key includes a guarded field. */
export function checkUnique(gen: Generator, ctx: Context, model: DmmfModel, unique: unknown): void {
  for (const clause of asList(unique)) {
    const keys = uniqueKeys(model);
    for (const name of Object.keys(clause)) {
      checkFields(gen, ctx, model, keys.find((k) => k.name === name)?.fields ?? [name]);
    }
  }
}

/**
 * Refuses an orderBy list naming a guarded field, here or through a to-one
 * relation. Ordering by a relation (a to-one row's fields, a to-many
 * relation's `_count`) also needs every row of the related model to be
 * readable: the database sorts by rows the rules would hide, so their order
 * (or their number) would leak.
 */
export function checkOrderBy(gen: Generator, ctx: Context, model: DmmfModel, orderBy: unknown): void {
  for (const item of asList(orderBy)) {
    for (const [key, value] of Object.entries(item)) {
      const field = model.fields.find((f) => f.name === key);
      if (field?.kind !== 'object') {
        checkFields(gen, ctx, model, [key]);
        continue;
      }
      const target = gen.datamodel.model(field.type);
      const read = gen.policy(target.name).read(ctx);
      if (read === null || Object.keys(read).length) {
        throw new AppError('FORBIDDEN', `Not allowed to order by ${model.name}.${key}: some ${target.name} rows are hidden from you`, { field: key });
      }
      if (!field.isList) checkOrderBy(gen, ctx, target, value);
    }
  }
}

/** Refuses a groupBy `orderBy` naming a guarded field, plainly or inside an aggregate (`{ _max: { email: asc } }`). */
export function checkGroupByOrderBy(gen: Generator, ctx: Context, model: DmmfModel, orderBy: unknown): void {
  for (const item of asList(orderBy)) {
    for (const [key, value] of Object.entries(item)) {
      checkFields(gen, ctx, model, (aggregateOps as string[]).includes(key) ? Object.keys((value ?? {}) as Where) : [key]);
    }
  }
}

/** Refuses a `having` naming a guarded field (through AND/OR/NOT at any depth). */
export function checkHaving(gen: Generator, ctx: Context, model: DmmfModel, having: unknown): void {
  for (const clause of asList(having)) {
    for (const [key, value] of Object.entries(clause)) {
      if (logical.has(key)) checkHaving(gen, ctx, model, value);
      else checkFields(gen, ctx, model, [key]);
    }
  }
}
