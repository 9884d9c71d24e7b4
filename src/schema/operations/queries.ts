import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context.ts';
import { badInput } from '../../errors.ts';
import type { DmmfModel } from '../dmmf.ts';
import { delegateName, uniqueKeys } from '../dmmf.ts';
import type { Generator } from '../generator.ts';
import { listArgs, nonNegative, pageSize } from '../generator.ts';
import { names } from '../naming.ts';
import { omitUnselected, type Query } from '../omit-unselected.ts';
import { checkOrderBy, checkReadableFields, readableOrThrow, secureWhere } from '../secure/secure-args.ts';
import { plainUnique } from '../writes/write-session.ts';
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
      resolve: (query: Query, _root: unknown, args: any, ctx: Context, info: GraphQLResolveInfo) =>
        delegate(ctx).findFirst({
          ...omitUnselected(gen.datamodel, model, query, info),
          where: and(plainUnique(model, uniqueWhere(gen, model, args.where)), readableOrThrow(gen, ctx, model)),
        }),
    }),

    [names.findMany(model.name)]: t.prismaField({
      type: [model.name],
      extensions,
      args: { ...listArgDefs(gen, t, model), distinct: t.arg({ type: [filters.scalarFieldEnum(model)], required: false }) },
      resolve: (query: Query, _root: unknown, args: any, ctx: Context, info: GraphQLResolveInfo) =>
        delegate(ctx).findMany({ ...omitUnselected(gen.datamodel, model, query, info), ...listArgs(gen, ctx, model, args, true) }),
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
        const orderBy = registry.toPrisma(args.orderBy, filters.orderBy(model)) as unknown[];
        checkOrderBy(gen, ctx, model, orderBy);
        return resolveConnection(gen, model, { ...args, where: where(args, ctx), orderBy }, ctx, info);
      },
    }),

    [names.count(model.name)]: t.int({
      extensions,
      args: { where: whereArg(t) },
      resolve: (_root: unknown, args: any, ctx: Context) => delegate(ctx).count({ where: where(args, ctx) }),
    }),

    [names.aggregate(model.name)]: t.field({
      type: gen.refs.get(names.aggregateType(model.name)),
      extensions,
      args: { where: whereArg(t) },
      resolve: (_root: unknown, args: any, ctx: Context) =>
        delegate(ctx).aggregate({ where: where(args, ctx), ...aggregateSelection(model, readableFields(gen, ctx, model)) }),
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
        if (args.by.length === 0) throw badInput('by must name at least one field', { argument: 'by' });
        checkReadableFields(gen, ctx, model, args.by);
        const orderBy = args.orderBy?.length ? args.orderBy : args.by.map((f: string) => ({ [f]: 'asc' }));
        if (args.having) checkReadableFields(gen, ctx, model, havingFields(args.having));
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

/** Fields named in a `having` tree. */
function havingFields(having: Record<string, unknown>): string[] {
  return Object.entries(having).flatMap(([key, value]) =>
    ['AND', 'OR', 'NOT'].includes(key) ? (value as Record<string, unknown>[]).flatMap(havingFields) : [key],
  );
}

/** Aggregates cover only fields the viewer may read on every row; others come back null. */
function readableFields(gen: Generator, ctx: Context, model: DmmfModel): (field: string) => boolean {
  const policy = gen.policy(model.name);
  return (field) => {
    if (!policy.guardedFields.includes(field)) return true;
    const readable = policy.readField(ctx, field);
    return readable !== null && Object.keys(readable).length === 0;
  };
}
