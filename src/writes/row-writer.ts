import type { Context } from '../base/context.ts';
import type { RowWriter, WriteFn, WriteOptions } from '../hooks/row-writer.ts';
import type { Generator } from '../schema/generator.ts';
import { createRow, deleteManyRows, deleteRow, updateManyRows, updateRow } from './row-writes.ts';
import { lockRows } from './lock-rows.ts';
import { runWrite } from './run-write.ts';
import { plainUnique, type WriteSession } from './write-session.ts';

/** After-hooks writing rows whose after-hooks write rows... stop here instead of looping forever. */
const MAX_WRITE_DEPTH = 16;
const depthKey = Symbol.for('strata.writeDepth');

/** The pipeline's row writes bound to one session, for hooks and custom code (see {@link RowWriter}). */
export function createRowWriter(s: WriteSession): RowWriter {
  const session = (options?: WriteOptions) => (options?.trusted ? s.asTrusted() : s);
  const model = (name: string) => s.datamodel.model(name);
  return {
    viewer: s.ctx.viewer,
    tx: s.tx,
    async lock(name, where, options) {
      const m = model(name);
      const unique = plainUnique(m, where as never);
      await lockRows(s, m, [unique]);
      return session(options).findVisible(m, unique) as Promise<any>;
    },
    create: (name, data, options) => createRow(session(options), model(name), data) as Promise<any>,
    update: (name, where, data, options) => updateRow(session(options), model(name), plainUnique(model(name), where as never), data) as Promise<any>,
    delete: (name, where, options) => deleteRow(session(options), model(name), plainUnique(model(name), where as never)) as Promise<any>,
    updateMany: (name, where, data, options) => updateManyRows(session(options), model(name), (where ?? {}) as never, data),
    deleteMany: (name, where, options) => deleteManyRows(session(options), model(name), (where ?? {}) as never),
  };
}

/**
 * Opens write transactions for `ctx.viewer` outside a mutation (after-hooks,
 * custom resolvers, HTTP functions, schedules, trigger handlers).
 */
export function writeAs(gen: Generator, ctx: Context): WriteFn {
  const depth = ((ctx as unknown as Record<symbol, number>)[depthKey] ?? 0) + 1;
  return (work) => {
    if (depth > MAX_WRITE_DEPTH) throw new Error(`Writes nested more than ${MAX_WRITE_DEPTH} deep (an after-hook writes rows whose after-hooks write rows...)`);
    return runWrite(gen, { ...ctx, [depthKey]: depth } as Context, (s) => work(createRowWriter(s)));
  };
}
