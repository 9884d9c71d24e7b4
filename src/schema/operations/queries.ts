import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../base/context.ts';
import { badInput } from '../../base/errors.ts';
import type { DmmfModel } from '../../base/datamodel.ts';
import { delegateName, uniqueKeys } from '../../base/datamodel.ts';
import type { Generator } from '../generator.ts';
import { listArgs, nonNegative, pageSize } from '../generator.ts';
import { names } from '../../base/naming.ts';
import { omitUnselected, type Query } from '../omit-unselected.ts';
import { assertStorableValues } from '../../base/check-input-values.ts';
import { readableOrThrow, secureWhere } from '../secure/secure-args.ts';
import { checkFields, checkGroupByOrderBy, checkHaving, checkOrderBy, checkUnique, mayUseField } from '../secure/unreadable-fields.ts';
import { isCursorVisible } from '../secure/visible-cursor.ts';
import { plainUnique } from '../../base/datamodel.ts';
import { and } from '../../permissions/policy.ts';
import { aggregateSelection } from '../types/aggregates.ts';
import { resolveConnection } from '../types/connection.ts';
import { listArgDefs } from '../types/model-object.ts';

/** Converts a unique-where argument, insisting on one complete unique key. */
export function uniqueWhere(gen: Generator, model: DmmfModel, where: Record<string, unknown>): Record<string, unknown> {
  const keys = uniqueKeys(model);
  if (!keys.some((key) => where[key.name] != null)) {
    throw badInput(`${names.whereUnique(model.name)} needs one of: ${keys.map((k) => k.name).join(', ')}`, { argument: 'where' });
  }
  return gen.registry.toPrisma(where, gen.filters.whereUnique(model)) as Record<string, unknown>;
}

/** Adds the read operations of one model to `Query`. */
export function defineQueries(gen: Generator, model: DmmfModel): void {
  const { builder, registry, filters } = gen;
  const delegate = (ctx: Context) => ctx.prisma[delegateName(model.name)];
  const whereArg = (t: any) => t.arg({ type: registry.ref(filters.where(model)) });
  /** The client's filter, secured, joined with the viewer's row filter. */
  const where = (args: { where?: unknown }, ctx: Context) =>
    and(secureWhere(gen, ctx, model, registry.toPrisma(args.where, filters.where(model))), readableOrThrow(gen, ctx, model));
  const policy = gen.policy(model.name);
  const extensions = { access: (ctx: Context) => policy.read(ctx) !== null };

  builder.queryFields((t: any) => ({
    [names.findUnique(model.name)]: t.prismaField({
      type: model.name,
      nullable: true,
      extensions,
      args: { where: t.arg({ type: registry.ref(filters.whereUnique(model)), required: true }) },
      resolve: (query: Query, _root: unknown, args: any, ctx: Context, info: GraphQLResolveInfo) => {
        assertStorableValues(args);
        const unique = uniqueWhere(gen, model, args.where);
        checkUnique(gen, ctx, model, unique);
        return delegate(ctx).findFirst({
          ...omitUnselected(gen.datamodel, model, query, info),
          where: and(plainUnique(model, unique), readableOrThrow(gen, ctx, model)),
        });
      },
    }),

    [names.findMany(model.name)]: t.prismaField({
      type: [model.name],
      extensions,
      args: { ...listArgDefs(gen, t, model), distinct: t.arg({ type: [filters.scalarFieldEnum(model)], required: false }) },
      resolve: async (query: Query, _root: unknown, args: any, ctx: Context, info: GraphQLResolveInfo) => {
        assertStorableValues(args);
        const list = listArgs(gen, ctx, model, args, true);
        // A cursor at a row the viewer may not read answers like one at a missing row: no rows.
        if (list.cursor && !(await isCursorVisible(ctx, model, readableOrThrow(gen, ctx, model), list.cursor as Record<string, unknown>))) return [];
        return delegate(ctx).findMany({ ...omitUnselected(gen.datamodel, model, query, info), ...list });
      },
    }),

    [names.connection(model.name)]: t.field({
      type: gen.refs.get(names.connectionType(model.name)),
      extensions,
      args: {
        where: whereArg(t),
        orderBy: t.arg({ type: [registry.ref(filters.orderBy(model))] }),
        first: t.arg.int(),
        after: t.arg.string(),
        last: t.arg.int(),
        before: t.arg.string(),
      },
      resolve: (_root: unknown, args: any, ctx: Context, info: any) => {
        assertStorableValues(args);
        const orderBy = registry.toPrisma(args.orderBy, filters.orderBy(model)) as unknown[];
        checkOrderBy(gen, ctx, model, orderBy);
        return resolveConnection(gen, model, { ...args, where: where(args, ctx), read: readableOrThrow(gen, ctx, model), orderBy }, ctx, info);
      },
    }),

    [names.count(model.name)]: t.int({
      extensions,
      args: { where: whereArg(t) },
      resolve: (_root: unknown, args: any, ctx: Context) => {
        assertStorableValues(args);
        return delegate(ctx).count({ where: where(args, ctx) });
      },
    }),

    [names.aggregate(model.name)]: t.field({
      type: gen.refs.get(names.aggregateType(model.name)),
      extensions,
      args: { where: whereArg(t) },
      resolve: (_root: unknown, args: any, ctx: Context) => {
        assertStorableValues(args);
        return delegate(ctx).aggregate({ where: where(args, ctx), ...aggregateSelection(model, readableFields(gen, ctx, model)) });
      },
    }),

    [names.groupBy(model.name)]: t.field({
      type: [gen.refs.get(names.groupByType(model.name))],
      extensions,
      args: {
        by: t.arg({ type: [filters.scalarFieldEnum(model)], required: true }),
        where: whereArg(t),
        having: t.arg({ type: registry.ref(filters.having(model)) }),
        orderBy: t.arg({ type: [registry.ref(filters.groupByOrderBy(model))] }),
        skip: t.arg.int(),
        take: t.arg.int(),
      },
      resolve: (_root: unknown, args: any, ctx: Context) => {
        assertStorableValues(args);
        if (args.by.length === 0) throw badInput('by must name at least one field', { argument: 'by' });
        checkFields(gen, ctx, model, args.by);
        checkHaving(gen, ctx, model, args.having);
        checkGroupByOrderBy(gen, ctx, model, args.orderBy);
        const orderBy = args.orderBy?.length ? args.orderBy : args.by.map((f: string) => ({ [f]: 'asc' }));
        return delegate(ctx).groupBy({
          by: args.by,
          where: where(args, ctx),
          having: registry.toPrisma(args.having, filters.having(model)),
          orderBy,
          skip: args.skip == null ? undefined : nonNegative('skip', args.skip),
          take: pageSize(gen.limits, 'take', args.take),
          ...aggregateSelection(model, readableFields(gen, ctx, model)),
        });
      },
    }),
  }));
}

/** Aggregates cover only fields the viewer may read on every row; others come back null. */
function readableFields(gen: Generator, ctx: Context, model: DmmfModel): (field: string) => boolean {
  return (field) => mayUseField(gen, ctx, model, field);
}
