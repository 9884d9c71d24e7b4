import type { Context } from '../../base/context.ts';
import type { DmmfModel } from '../../base/datamodel.ts';
import type { Generator } from '../generator.ts';
import { checkUnique, checkWhere } from './unreadable-fields.ts';

type Input = Record<string, unknown>;

const each = (value: unknown): Input[] =>
  (Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : []) as Input[];

/**
 * Refuses a create or update input (`data`, and an upsert's `create` and
 * `update`) that names rows by a field the viewer may not read on every row,
 * anywhere in its tree of nested writes: the unique keys of `connect`,
 * `connectOrCreate`, `set`, `disconnect`, `delete`, `update` and `upsert`,
 * and the filters of `updateMany` and `deleteMany`. The answer of such a
 * write (NOT_FOUND or not) would tell whether a hidden value exists, so it
 * is FORBIDDEN before any SQL runs, like the same key in a read.
 */
export function checkWriteArgs(gen: Generator, ctx: Context, model: DmmfModel, data: unknown): void {
  for (const row of each(data)) {
    for (const [key, ops] of Object.entries(row)) {
      const field = model.fields.find((f) => f.name === key);
      if (field?.kind !== 'object' || !ops || typeof ops !== 'object') continue;
      const target = gen.datamodel.model(field.type);
      for (const [op, value] of Object.entries(ops as Input)) checkNestedWrite(gen, ctx, target, field.isList, op, value);
    }
  }
}

/** One nested operation on the rows of `target`. */
function checkNestedWrite(gen: Generator, ctx: Context, target: DmmfModel, toMany: boolean, op: string, value: unknown): void {
  switch (op) {
    case 'create':
      return checkWriteArgs(gen, ctx, target, value);
    case 'connect':
    case 'set':
    case 'disconnect': // to-one: a Boolean, to-many: unique keys (`each` skips the Boolean)
    case 'delete':
      for (const unique of each(value)) checkUnique(gen, ctx, target, unique);
      return;
    case 'connectOrCreate':
      for (const item of each(value)) {
        checkUnique(gen, ctx, target, item.where);
        checkWriteArgs(gen, ctx, target, item.create);
      }
      return;
    case 'update':
      // To-many: `{ where, data }` items; to-one: the update input itself.
      if (!toMany) return checkWriteArgs(gen, ctx, target, value);
      for (const item of each(value)) {
        checkUnique(gen, ctx, target, item.where);
        checkWriteArgs(gen, ctx, target, item.data);
      }
      return;
    case 'upsert':
      for (const item of each(value)) {
        if (toMany) checkUnique(gen, ctx, target, item.where);
        checkWriteArgs(gen, ctx, target, item.create);
        checkWriteArgs(gen, ctx, target, item.update);
      }
      return;
    case 'updateMany':
      for (const item of each(value)) {
        checkWhere(gen, ctx, target, item.where);
        checkWriteArgs(gen, ctx, target, item.data);
      }
      return;
    case 'deleteMany':
      for (const where of each(value)) checkWhere(gen, ctx, target, where);
      return;
  }
}
