import type { Context } from '../../base/context.ts';
import { AppError, badInput, fromPrismaError } from '../../base/errors.ts';
import { runWrite } from '../../writes/run-write.ts';
import type { WriteSession } from '../../writes/write-session.ts';
import { archiveContent, trimVersions } from '../file-versions.ts';
import type { FileSchema } from './file-writes.ts';

type Row = Record<string, any>;

/** The answer to a replace or restore that lost a race with another one. */
export const contentConflict = (model: string) => new AppError('CONFLICT', `The ${model} was changed by another request at the same time; try again`);

/**
 * The file row the viewer may change the content of: readable (else
 * NOT_FOUND, like a missing one), allowed by the update rule (else
 * FORBIDDEN), and active.
 */
export async function updatableFile(s: WriteSession, fs: FileSchema, id: unknown): Promise<Row> {
  const { model } = fs.file;
  const row = await s.findVisible(model, { [fs.file.id.name]: id });
  await s.requireMatch(model, row, s.policy(model).update(s.ctx), 'update');
  if (row.status !== 'ACTIVE') throw badInput(`This ${model.name} has no content yet: complete its upload first`);
  return row;
}

/**
 * Makes `content` the file's current content and keeps the content it had
 * as its newest version, in one transaction: the row is read and checked
 * again (`expectedKey` is the content the caller prepared for), the update
 * only applies while the row still holds that content, the updated row
 * must pass the update rule's check, and the change is published like any
 * update. `content` runs in the transaction after the current content is
 * archived (a restore takes its version out there). Returns the updated row and the keys whose rows were
 * dropped (versions over the retention limit, or the old content when
 * versions are off), for the caller to delete after the commit.
 */
export async function swapContent(
  fs: FileSchema,
  ctx: Context,
  id: unknown,
  expectedKey: string | null,
  content: (row: Row, s: WriteSession) => Promise<Row>,
): Promise<{ row: Row; dropped: string[] }> {
  const { model, id: idField } = fs.file;
  const keep = fs.storage().config.versionsKeep;
  try {
    return await runWrite(fs.gen, ctx, async (s) => {
      const row = await updatableFile(s, fs, id);
      if (expectedKey !== null && row.key !== expectedKey) throw contentConflict(model.name);
      // Archive first: a restore then takes out a lower number, and numbers never repeat while versions remain.
      if (keep > 0) await archiveContent(s.tx, fs.file, row, ctx);
      const data = await content(row, s);
      const { count } = await s.delegate(model).updateMany({ where: { [idField.name]: row[idField.name], key: row.key }, data });
      if (count === 0) throw contentConflict(model.name);
      const updated = await s.delegate(model).findFirst({ where: { [idField.name]: row[idField.name] }, select: s.scalarSelect(model) });
      await s.requireMatch(model, updated, s.policy(model).updateCheck(ctx), 'update');
      s.record(model, 'UPDATED', updated, row);
      const dropped = keep > 0 ? await trimVersions(s.tx, row[idField.name], keep) : [row.key];
      return { row: updated, dropped };
    });
  } catch (error) {
    // P2034: PostgreSQL ended the transaction in a deadlock with another change of the same file.
    if (fromPrismaError(error)?.code === 'CONFLICT' || (error as { code?: unknown })?.code === 'P2034') throw contentConflict(model.name);
    throw error;
  }
}
