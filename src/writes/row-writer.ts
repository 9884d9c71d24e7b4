import type { RowWriter, WriteOptions } from '../hooks/row-writer.ts';
import { createRow, deleteManyRows, deleteRow, updateManyRows, updateRow } from './row-writes.ts';
import { lockRows } from './lock-rows.ts';
import { type WriteSession } from './write-session.ts';
import { plainUnique } from '../base/datamodel.ts';

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
