import type { Context } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { and, type Where } from '../../permissions/policy.ts';
import type { DmmfModel } from '../../base/datamodel.ts';
import { idFields } from '../../base/datamodel.ts';
import type { Generator } from '../generator.ts';
import { checkWhere } from './unreadable-fields.ts';

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

/**
 * Closes the side channels of a client's `where`: a filter naming a field the
 * viewer may not read on every row is refused (see unreadable-fields.ts), and
 * relation filters only see rows the viewer may read.
 */
export function secureWhere(gen: Generator, ctx: Context, model: DmmfModel, where: unknown): Where | undefined {
  checkWhere(gen, ctx, model, where);
  return visibleRelations(gen, ctx, model, where);
}

/** Joins the target's read rule into every relation filter of `where`, at any depth. */
function visibleRelations(gen: Generator, ctx: Context, model: DmmfModel, where: unknown): Where | undefined {
  if (!where || typeof where !== 'object') return where as undefined;
  const out: Where = {};
  for (const [key, value] of Object.entries(where as Where)) {
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      out[key] = (value as unknown[]).map((w) => visibleRelations(gen, ctx, model, w));
      continue;
    }
    const field = model.fields.find((f) => f.name === key);
    if (value === null || !field || field.kind !== 'object') {
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
      const secured = visibleRelations(gen, ctx, target, inner) ?? {};
      // `every` must hold for the visible rows only: hidden rows pass it.
      filter[op] = op === 'every' ? (Object.keys(read).length ? { OR: [secured, { NOT: [read] }] } : secured) : and(secured, read);
    }
    out[key] = filter;
  }
  return out;
}
