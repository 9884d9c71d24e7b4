import type { LimitsConfig } from '../base/config.ts';
import type { Context } from '../base/context.ts';
import type { WriteHooks } from '../hooks/write-hooks.ts';
import { and, type Policy } from '../permissions/policy.ts';
import { nothing, readableOrThrow, secureWhere } from './secure/secure-args.ts';
import { checkFields, checkOrderBy, checkUnique } from './secure/unreadable-fields.ts';
import { badInput } from '../base/errors.ts';
import type { AnyBuilder } from './builder.ts';
import type { Datamodel, DmmfModel } from '../base/datamodel.ts';
import type { InputRegistry } from './input-registry.ts';
import type { ModelFilters } from './inputs/model-filters.ts';
import type { ModelWrites } from './inputs/model-writes.ts';

/** Everything the per-model type and operation builders share. */
export interface Generator {
  builder: AnyBuilder;
  datamodel: Datamodel;
  registry: InputRegistry;
  filters: ModelFilters;
  writes: ModelWrites;
  limits: LimitsConfig;
  /** What each viewer may do with each model. */
  policy: Policy;
  /** Output object refs by type name (aggregates, connections, enums...). */
  refs: Map<string, any>;
  /** The app's hooks and triggers, called by the write pipeline. */
  hooks: WriteHooks;
}

/** Arguments of a list read, converted for Prisma. */
export interface ListArgs {
  where?: unknown;
  orderBy?: unknown;
  skip?: number;
  take?: number;
  cursor?: unknown;
  distinct?: string[];
}

/**
 * Translates list arguments from GraphQL to Prisma: the viewer's row filter
 * joins the client's (for a relation the viewer may not read: no rows; at the
 * root: an error), inputs naming fields the viewer may not read are refused,
 * the page size is capped. A root cursor's visibility is the caller's to
 * check (see isCursorVisible).
 */
export function listArgs(gen: Generator, ctx: Context, model: DmmfModel, args: Record<string, any>, root: boolean): ListArgs {
  const out: ListArgs = {};
  const read = root ? readableOrThrow(gen, ctx, model) : (gen.policy(model.name).read(ctx) ?? nothing(model));
  out.where = and(secureWhere(gen, ctx, model, gen.registry.toPrisma(args.where, gen.filters.where(model))), read);
  if (args.orderBy) {
    out.orderBy = gen.registry.toPrisma(args.orderBy, gen.filters.orderBy(model));
    checkOrderBy(gen, ctx, model, out.orderBy);
  }
  if (args.cursor) {
    out.cursor = gen.registry.toPrisma(args.cursor, gen.filters.whereUnique(model));
    checkUnique(gen, ctx, model, out.cursor);
  }
  if (args.skip != null) out.skip = nonNegative('skip', args.skip);
  out.take = pageSize(gen.limits, 'take', args.take, true);
  if (args.distinct?.length) {
    checkFields(gen, ctx, model, args.distinct);
    out.distinct = args.distinct;
  }
  return out;
}

export function nonNegative(name: string, value: number): number {
  if (value < 0) throw badInput(`${name} must not be negative`, { argument: name });
  return value;
}

/** A page size within the configured cap; `take` may be negative (Prisma reads backwards). */
export function pageSize(limits: LimitsConfig, name: string, value: number | null | undefined, signed = false): number {
  if (value == null) return limits.maxTake;
  if (!signed) nonNegative(name, value);
  if (Math.abs(value) > limits.maxTake) {
    throw badInput(`${name} must be at most ${limits.maxTake}`, { argument: name });
  }
  return value;
}
