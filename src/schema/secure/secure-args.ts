import type { Context } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { and, type Where } from '../../permissions/policy.ts';
import type { DmmfModel } from '../dmmf.ts';
import { idFields } from '../dmmf.ts';
import type { Generator } from '../generator.ts';

/** A filter no row matches (for relations the viewer may not read at all). */
export function nothing(model: DmmfModel): Where {
  return { [idFields(model)[0]]: { in: [] } };
}

/** The rows of `model` the viewer may read, as a filter; throws when the viewer may read none. */
export function readableOrThrow(gen: Generator, ctx: Context, model: DmmfModel): Where {
  const read = gen.policy(model.name).read(ctx);
  if (read !== null) return read;
  if (ctx.viewer.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', `Sign in to read ${model.name}`);
  throw new AppError('FORBIDDEN', `Not allowed to read ${model.name}`);
}

function unreadableField(model: DmmfModel, field: string): AppError {
  return new AppError('FORBIDDEN', `Not allowed to filter or order by ${model.name}.${field}`, { field });
}

/**
 * Closes the side channels of a client's `where`: relation filters only see
 * rows the viewer may read, and a condition on a field with a read rule only
 * matches rows where that field is readable (or is refused when it never is).
 */
export function secureWhere(gen: Generator, ctx: Context, model: DmmfModel, where: unknown): Where | undefined {
  if (!where || typeof where !== 'object') return where as undefined;
  const policy = gen.policy(model.name);
  const out: Where = {};
  const guards: Where[] = [];
  for (const [key, value] of Object.entries(where as Where)) {
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      out[key] = (value as unknown[]).map((w) => secureWhere(gen, ctx, model, w));
      continue;
    }
    const field = model.fields.find((f) => f.name === key);
    if (value === null) {
      out[key] = null;
      continue;
    }
    if (!field || field.kind !== 'object') {
      const readable = policy.guardedFields.includes(key) ? policy.readField(ctx, key) : {};
      if (readable === null) throw unreadableField(model, key);
      if (Object.keys(readable).length) guards.push(readable);
      out[key] = value;
      continue;
    }
    const target = gen.datamodel.model(field.type);
    const read = gen.policy(target.name).read(ctx) ?? nothing(target);
    const filter: Where = {};
    for (const [op, inner] of Object.entries(value as Where)) {
      if (inner === null) {
        filter[op] = null;
        continue;
      }
      const secured = secureWhere(gen, ctx, target, inner) ?? {};
      // `every` must hold for the visible rows only: hidden rows pass it.
      filter[op] = op === 'every' ? (Object.keys(read).length ? { OR: [secured, { NOT: [read] }] } : secured) : and(secured, read);
    }
    out[key] = filter;
  }
  return guards.length ? and(out, ...guards) : out;
}

/** Refuses ordering (or grouping, distinct) by a field the viewer may not read everywhere. */
export function checkReadableFields(gen: Generator, ctx: Context, model: DmmfModel, fields: Iterable<string>): void {
  const policy = gen.policy(model.name);
  for (const field of fields) {
    if (!policy.guardedFields.includes(field)) continue;
    const readable = policy.readField(ctx, field);
    if (readable === null || Object.keys(readable).length) throw unreadableField(model, field);
  }
}

/**
 * Checks an orderBy list. Ordering by a relation (a to-one row's fields, a
 * to-many relation's `_count`) is only allowed when the viewer may read every
 * row of the related model: the database sorts by rows the rules would hide,
 * so their order (or their number) would leak.
 */
export function checkOrderBy(gen: Generator, ctx: Context, model: DmmfModel, orderBy: unknown): void {
  for (const item of (Array.isArray(orderBy) ? orderBy : orderBy ? [orderBy] : []) as Where[]) {
    for (const [key, value] of Object.entries(item)) {
      const field = model.fields.find((f) => f.name === key);
      if (field?.kind !== 'object') {
        checkReadableFields(gen, ctx, model, [key]);
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
