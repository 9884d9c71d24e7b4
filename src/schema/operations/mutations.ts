import type { Context } from '../../context.ts';
import { fromPrismaError } from '../../errors.ts';
import type { DmmfModel } from '../dmmf.ts';
import { delegateName } from '../dmmf.ts';
import type { Generator } from '../generator.ts';
import { names } from '../naming.ts';
import { uniqueWhere } from './queries.ts';

/**
 * createMany with skipDuplicates where the database cannot do it in one
 * statement (SQLite): row by row inside one transaction, skipping rows that
 * hit a unique constraint.
 */
async function createManySkippingDuplicates(ctx: Context, model: DmmfModel, data: unknown[]): Promise<{ count: number }> {
  return ctx.prisma.$transaction(async (tx: Context['prisma']) => {
    let count = 0;
    for (const row of data) {
      try {
        await tx[delegateName(model.name)].create({ data: row, select: {} });
        count += 1;
      } catch (error) {
        if (fromPrismaError(error)?.code !== 'CONFLICT') throw error;
      }
    }
    return { count };
  });
}

/** Adds the write operations of one model to `Mutation`. Nested writes run in one transaction (Prisma's). */
export function defineMutations(gen: Generator, model: DmmfModel): void {
  const { builder, registry, filters, writes } = gen;
  const delegate = (ctx: Context) => ctx.prisma[delegateName(model.name)];
  const batch = gen.refs.get(names.batchPayload);
  const uniqueArg = (t: any) => t.arg({ type: registry.ref(filters.whereUnique(model)), required: true });
  const input = (t: any, name: string) => t.arg({ type: registry.ref(name), required: true });
  const create = writes.create(model);
  const update = writes.update(model);
  const createMany = writes.createMany(model);
  const updateMany = writes.updateMany(model);
  const where = filters.where(model);

  builder.mutationFields((t: any) => ({
    [names.createOne(model.name)]: t.prismaField({
      type: model.name,
      args: { data: input(t, create) },
      resolve: (query: object, _root: unknown, args: any, ctx: Context) =>
        delegate(ctx).create({ ...query, data: registry.toPrisma(args.data, create) }),
    }),

    [names.createMany(model.name)]: t.field({
      type: batch,
      args: {
        data: t.arg({ type: [registry.ref(createMany)], required: true }),
        skipDuplicates: t.arg.boolean(),
      },
      resolve: (_root: unknown, args: any, ctx: Context) => {
        const data = registry.toPrisma(args.data, createMany) as unknown[];
        if (args.skipDuplicates && gen.datamodel.provider === 'sqlite') return createManySkippingDuplicates(ctx, model, data);
        return delegate(ctx).createMany({ data, ...(args.skipDuplicates ? { skipDuplicates: true } : {}) });
      },
    }),

    [names.updateOne(model.name)]: t.prismaField({
      type: model.name,
      args: { where: uniqueArg(t), data: input(t, update) },
      resolve: (query: object, _root: unknown, args: any, ctx: Context) =>
        delegate(ctx).update({ ...query, where: uniqueWhere(gen, model, args.where), data: registry.toPrisma(args.data, update) }),
    }),

    [names.updateMany(model.name)]: t.field({
      type: batch,
      args: { where: t.arg({ type: registry.ref(where) }), data: input(t, updateMany) },
      resolve: (_root: unknown, args: any, ctx: Context) =>
        delegate(ctx).updateMany({ where: registry.toPrisma(args.where, where), data: registry.toPrisma(args.data, updateMany) }),
    }),

    [names.upsertOne(model.name)]: t.prismaField({
      type: model.name,
      args: { where: uniqueArg(t), create: input(t, create), update: input(t, update) },
      resolve: (query: object, _root: unknown, args: any, ctx: Context) =>
        delegate(ctx).upsert({
          ...query,
          where: uniqueWhere(gen, model, args.where),
          create: registry.toPrisma(args.create, create),
          update: registry.toPrisma(args.update, update),
        }),
    }),

    [names.deleteOne(model.name)]: t.prismaField({
      type: model.name,
      args: { where: uniqueArg(t) },
      resolve: (query: object, _root: unknown, args: any, ctx: Context) =>
        delegate(ctx).delete({ ...query, where: uniqueWhere(gen, model, args.where) }),
    }),

    [names.deleteMany(model.name)]: t.field({
      type: batch,
      args: { where: t.arg({ type: registry.ref(where) }) },
      resolve: (_root: unknown, args: any, ctx: Context) => delegate(ctx).deleteMany({ where: registry.toPrisma(args.where, where) }),
    }),
  }));
}
