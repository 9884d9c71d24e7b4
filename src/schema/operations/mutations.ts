import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { and } from '../../permissions/policy.ts';
import type { DmmfModel } from '../../base/datamodel.ts';
import { delegateName } from '../../base/datamodel.ts';
import type { Generator } from '../generator.ts';
import { names } from '../../base/naming.ts';
import { omitUnselected, type Query } from '../omit-unselected.ts';
import { createManyRows } from '../../writes/create-many.ts';
import { createRow, deleteManyRows, deleteRow, updateManyRows, updateRow } from '../../writes/row-writes.ts';
import { needsTransaction, runWrite } from '../../writes/run-write.ts';
import { type WriteSession } from '../../writes/write-session.ts';
import { keyWhere, plainUnique } from '../../base/datamodel.ts';
import { secureWhere } from '../secure/secure-args.ts';
import { checkWriteArgs } from '../secure/check-write-args.ts';
import { assertStorableValues } from '../../base/check-input-values.ts';
import { checkUnique, checkWhere } from '../secure/unreadable-fields.ts';
import { uniqueWhere } from './queries.ts';

type Row = Record<string, unknown>;

/**
 * Adds the write operations of one model to `Mutation`. Each runs in one
 * transaction through the row-write pipeline (rules and change events for
 * every nested row); the returned row is read back with the client's
 * selection, as the viewer may see it.
 */
export function defineMutations(gen: Generator, model: DmmfModel): void {
  const { builder, registry, filters, writes } = gen;
  const batch = gen.refs.get(names.batchPayload);
  const uniqueArg = (t: any) => t.arg({ type: registry.ref(filters.whereUnique(model)), required: true });
  const input = (t: any, name: string) => t.arg({ type: registry.ref(name), required: true });
  const create = writes.create(model);
  const update = writes.update(model);
  const createMany = writes.createMany(model);
  const updateMany = writes.updateMany(model);
  const where = filters.where(model);
  const unique = (args: any) => plainUnique(model, uniqueWhere(gen, model, args.where));
  const secured = (args: any, ctx: Context) => (secureWhere(gen, ctx, model, registry.toPrisma(args.where, where)) ?? {}) as Row;
  /**
   * `if`: a precondition the current row must match, else CONFLICT with the
   * row as it is (see writes/precondition.ts). Refused like any `where` when
   * it names a field the viewer may not read on every row.
   */
  const ifArg = (t: any) =>
    t.arg({
      type: registry.ref(where),
      description: 'Precondition: the row must currently match it, else CONFLICT with the row in extensions.current, and nothing is written.',
    });
  const precondition = (args: any, ctx: Context) => (args.if == null ? undefined : ((secureWhere(gen, ctx, model, registry.toPrisma(args.if, where)) ?? {}) as Row));
  const policy = gen.policy(model.name);
  const may = (...ops: ('create' | 'update' | 'delete')[]) => ({
    access: (ctx: Context) => ops.some((op) => policy[op](ctx) !== null),
  });

  const hasAfterHook = (operations: ('create' | 'update')[]) => operations.some((op) => gen.hooks.hasAfter(model.name, op));

  /**
   * The answer to a create, update or upsert, settled inside the write,
   * before it commits: the viewer must be able to read the written row, or
   * the whole write rolls back. The written row holds every scalar; with
   * relations in the selection the row is read here with them, in the same
   * transaction — unless an after-hook may still change it once committed:
   * then only its visibility is checked here and {@link readBack} reads it.
   */
  const answer = async (s: WriteSession, query: Query, info: GraphQLResolveInfo, row: Row, operations: ('create' | 'update')[]) => {
    const scalarsOnly = !('include' in query) && !('select' in query);
    if (scalarsOnly || hasAfterHook(operations)) {
      await s.requireReadable(model, row);
      return row;
    }
    const read = s.policy(model).read(s.ctx);
    const shown = read && (await s.delegate(model).findFirst({ ...omitUnselected(gen.datamodel, model, query, info), where: and(keyWhere(model, row), read) }));
    if (!shown) throw new AppError('FORBIDDEN', `The ${model.name} was written but is not readable by you`);
    return shown;
  };

  /** After the commit: a row an after-hook may have changed is read again with the selection of the mutation's result. */
  const readBack = async (ctx: Context, query: Query, info: GraphQLResolveInfo, row: Row, operations: ('create' | 'update')[]) => {
    if (!hasAfterHook(operations)) return row;
    const read = gen.policy(model.name).read(ctx);
    const shown = read && (await ctx.prisma[delegateName(model.name)].findFirst({ ...omitUnselected(gen.datamodel, model, query, info), where: and(keyWhere(model, row), read) }));
    // The row was readable when it committed: only a writer since (the after-hook, another request) can have hidden or removed it.
    if (!shown) throw new AppError('NOT_FOUND', `${model.name} not found`);
    return shown;
  };

  builder.mutationFields((t: any) => ({
    [names.createOne(model.name)]: t.prismaField({
      type: model.name,
      extensions: may('create'),
      args: { data: input(t, create) },
      resolve: async (query: Query, _root: unknown, args: any, ctx: Context, info: GraphQLResolveInfo) => {
        assertStorableValues(args);
        checkWriteArgs(gen, ctx, model, args.data);
        const data = registry.toPrisma(args.data, create) as Row;
        const atomic = needsTransaction(gen, ctx, { model, operation: 'create', data });
        const row = await runWrite(gen, ctx, async (s) => answer(s, query, info, await createRow(s, model, data), ['create']), atomic);
        return readBack(ctx, query, info, row, ['create']);
      },
    }),

    [names.createMany(model.name)]: t.field({
      type: batch,
      extensions: may('create'),
      args: { data: t.arg({ type: [registry.ref(createMany)], required: true }), skipDuplicates: t.arg.boolean() },
      resolve: async (_root: unknown, args: any, ctx: Context) => {
        assertStorableValues(args);
        return { count: await runWrite(gen, ctx, (s) => createManyRows(s, model, registry.toPrisma(args.data, createMany) as Row[], !!args.skipDuplicates)) };
      },
    }),

    [names.updateOne(model.name)]: t.prismaField({
      type: model.name,
      extensions: may('update'),
      args: { where: uniqueArg(t), data: input(t, update), if: ifArg(t) },
      resolve: async (query: Query, _root: unknown, args: any, ctx: Context, info: GraphQLResolveInfo) => {
        assertStorableValues(args);
        checkUnique(gen, ctx, model, args.where);
        const guard = precondition(args, ctx);
        checkWriteArgs(gen, ctx, model, args.data);
        const data = registry.toPrisma(args.data, update) as Row;
        const atomic = needsTransaction(gen, ctx, { model, operation: 'update', data });
        const row = await runWrite(gen, ctx, async (s) => answer(s, query, info, await updateRow(s, model, unique(args), data, guard), ['update']), atomic);
        return readBack(ctx, query, info, row, ['update']);
      },
    }),

    [names.updateMany(model.name)]: t.field({
      type: batch,
      extensions: may('update'),
      args: { where: t.arg({ type: registry.ref(where) }), data: input(t, updateMany) },
      resolve: async (_root: unknown, args: any, ctx: Context) => {
        assertStorableValues(args);
        checkWhere(gen, ctx, model, args.where);
        checkWriteArgs(gen, ctx, model, args.data);
        const data = registry.toPrisma(args.data, updateMany) as Row;
        return { count: await runWrite(gen, ctx, (s) => updateManyRows(s, model, secured(args, ctx), data)) };
      },
    }),

    [names.upsertOne(model.name)]: t.prismaField({
      type: model.name,
      extensions: may('create', 'update'),
      args: { where: uniqueArg(t), create: input(t, create), update: input(t, update), if: ifArg(t) },
      resolve: async (query: Query, _root: unknown, args: any, ctx: Context, info: GraphQLResolveInfo) => {
        assertStorableValues(args);
        checkUnique(gen, ctx, model, args.where);
        // The precondition is the update's: a missing row is created whatever it says.
        const guard = precondition(args, ctx);
        checkWriteArgs(gen, ctx, model, args.create);
        checkWriteArgs(gen, ctx, model, args.update);
        const row = await runWrite(gen, ctx, async (s) => {
          const read = s.policy(model).read(ctx);
          const exists = read && (await s.delegate(model).findFirst({ where: and(unique(args), read), select: { [Object.keys(s.scalarSelect(model))[0]]: true } }));
          const row = exists
            ? await updateRow(s, model, unique(args), registry.toPrisma(args.update, update) as Row, guard)
            : await createRow(s, model, registry.toPrisma(args.create, create) as Row);
          return answer(s, query, info, row, ['create', 'update']);
        });
        return readBack(ctx, query, info, row, ['create', 'update']);
      },
    }),

    [names.deleteOne(model.name)]: t.prismaField({
      type: model.name,
      extensions: may('delete'),
      args: { where: uniqueArg(t), if: ifArg(t) },
      resolve: (query: object, _root: unknown, args: any, ctx: Context) => {
        assertStorableValues(args);
        checkUnique(gen, ctx, model, args.where);
        const guard = precondition(args, ctx);
        return runWrite(gen, ctx, async (s) => {
          const read = s.policy(model).read(ctx);
          const shown = read && (await s.delegate(model).findFirst({ ...query, where: and(unique(args), read) }));
          if (!shown) throw new AppError('NOT_FOUND', `${model.name} not found`);
          // The client's where is checked again when the row is deleted, with the rules (see deleteRow).
          await deleteRow(s, model, { ...unique(args), ...keyWhere(model, shown) }, guard);
          return shown;
        }, needsTransaction(gen, ctx, { model, operation: 'delete' }));
      },
    }),

    [names.deleteMany(model.name)]: t.field({
      type: batch,
      extensions: may('delete'),
      args: { where: t.arg({ type: registry.ref(where) }) },
      resolve: async (_root: unknown, args: any, ctx: Context) => {
        assertStorableValues(args);
        checkWhere(gen, ctx, model, args.where);
        return { count: await runWrite(gen, ctx, (s) => deleteManyRows(s, model, secured(args, ctx))) };
      },
    }),
  }));
}
