import type { Context } from '../base/context.ts';
import { AppError, badInput, fromPrismaError } from '../base/errors.ts';
import type { DmmfModel } from '../base/datamodel.ts';
import type { Generator } from '../schema/generator.ts';
import { lockRows } from '../writes/lock-rows.ts';
import { createRow, deleteRow, updateRow } from '../writes/row-writes.ts';
import { runWrite } from '../writes/run-write.ts';
import type { WriteSession } from '../writes/write-session.ts';
import type { Sync } from './create-sync.ts';
import { editedFields, readDocuments, removal, type SyncDocument, writeData } from './documents.ts';
import { resolveConflict } from './resolve-conflict.ts';
import { syncKey } from './sync-models.ts';

type Doc = Record<string, unknown>;

/** One row of a push, as RxDB sends it. */
export interface PushRow {
  /** The row as the client last received it; absent when the client created it. */
  assumedMasterState?: Doc | null;
  newDocumentState: Doc;
}

/** A row the server refused (rules, invalid input): not a conflict, the client's state was not written. */
export interface PushRefusal {
  id: string;
  code: string;
  message: string;
}

export interface PushResult {
  /** Master states of the rows in conflict (RxDB's push answer). */
  conflicts: SyncDocument[];
  refusals: PushRefusal[];
}

/**
 * Writes the rows in one transaction, each under its own savepoint: a row
 * is locked, compared with the assumed state, and written through the write
 * pipeline (rules, presets, hooks, change events, triggers, the change log)
 * — the client's state when nothing changed meanwhile, else what the
 * model's conflict rule resolves to. A refused row is rolled back to its
 * savepoint, its recorded changes dropped, and never fails the others. Should
 * the transaction itself fail (commit, timeout), the rows are written again
 * one transaction each.
 */
export async function push(gen: Generator, sync: Sync, ctx: Context, model: DmmfModel, rows: PushRow[]): Promise<PushResult> {
  try {
    return await runWrite(gen, ctx, async (s) => {
      const result: PushResult = { conflicts: [], refusals: [] };
      for (const row of rows) {
        const mark = s.changes.length;
        await s.tx.$executeRawUnsafe('SAVEPOINT strata_sync_row');
        const outcome = await settle(ctx, model, row, (id) => pushRow(s, sync, model, id, row));
        if (outcome.failed) {
          await s.tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT strata_sync_row');
          s.changes.length = mark;
        }
        await s.tx.$executeRawUnsafe('RELEASE SAVEPOINT strata_sync_row');
        collect(result, outcome);
      }
      return result;
    });
  } catch (error) {
    ctx.log.warn({ err: error, model: model.name }, 'sync: a push transaction failed; writing its rows one by one');
    const result: PushResult = { conflicts: [], refusals: [] };
    for (const row of rows) collect(result, await settle(ctx, model, row, (id) => runWrite(gen, ctx, (s) => pushRow(s, sync, model, id, row))));
    return result;
  }
}

/** What became of one row; `failed`: its writes must be rolled back. */
interface Outcome {
  failed: boolean;
  conflict?: SyncDocument;
  refusal?: PushRefusal;
}

function collect(result: PushResult, outcome: Outcome): void {
  if (outcome.refusal) result.refusals.push(outcome.refusal);
  if (outcome.conflict) result.conflicts.push(outcome.conflict);
}

/** Runs one row's write; its error becomes the row's refusal (or, for a create meeting a hidden row, a conflict). */
async function settle(ctx: Context, model: DmmfModel, row: PushRow, write: (id: string) => Promise<SyncDocument | undefined>): Promise<Outcome> {
  const id = row.newDocumentState?.[syncKey(model)];
  try {
    if (typeof id !== 'string' || id === '') throw badInput(`Each pushed ${model.name} needs its ${syncKey(model)} (a client-generated string)`);
    return { failed: false, conflict: await write(id) };
  } catch (error) {
    const known = error instanceof AppError ? error : fromPrismaError(error);
    if (!known) ctx.log.error({ err: error, model: model.name }, 'sync: pushing a row failed');
    const code = known ? String(known.extensions.code) : 'INTERNAL_SERVER_ERROR';
    // A create met a row the caller cannot see (its unique id): answered as a gone row would be.
    if (code === 'CONFLICT' && typeof id === 'string' && id) return { failed: true, conflict: removal(model, id) };
    return { failed: true, refusal: { id: typeof id === 'string' ? id : '', code, message: known?.message ?? 'Unexpected error.' } };
  }
}

/** One row's push inside the transaction; returns the master state when it is a conflict. */
async function pushRow(s: WriteSession, sync: Sync, model: DmmfModel, id: string, row: PushRow): Promise<SyncDocument | undefined> {
  const key = syncKey(model);
  await lockRows(s, model, [{ [key]: id }]);
  const current = (await readDocuments(s.gen, s.ctx, s.tx, model, [id])).get(id);
  const master = current ?? removal(model, id);
  const assumed = row.assumedMasterState ?? null;
  const proposed: Doc = { _deleted: false, ...row.newDocumentState };
  // Compared on the fields the client's assumed state has: a column it never received (older schema, a default) is not an edit.
  const unchanged = current ? !!assumed && !assumed._deleted && editedFields(model, current, assumed).length === 0 : !assumed || !!assumed._deleted;
  const target = unchanged ? proposed : await resolveConflict(sync.conflictRule(model.name), s.ctx, model, master, assumed, proposed);
  if (!target) return master;
  if (target._deleted) {
    if (current) await deleteRow(s, model, { [key]: id });
    return undefined;
  }
  if (!current) {
    // Columns the server sets (presets, @updatedAt) come back in documents; on a create they are the server's to set.
    const preset = new Set([...s.policy(model).presetFields.create, ...model.fields.filter((f) => f.isUpdatedAt).map((f) => f.name)]);
    const data = Object.fromEntries(Object.entries(writeData(model, target)).filter(([f]) => !preset.has(f)));
    const created = await createRow(s, model, { ...data, [key]: id });
    await s.requireReadable(model, created);
    return undefined;
  }
  const fields = editedFields(model, current, target).filter((f) => f !== key);
  if (fields.length === 0) return undefined;
  const data = writeData(model, Object.fromEntries(fields.map((f) => [f, target[f]])));
  const updated = await updateRow(s, model, { [key]: id }, data);
  await s.requireReadable(model, updated);
  return undefined;
}
