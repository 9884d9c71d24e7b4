import type { Context } from '../base/context.ts';
import type { HookOperation } from '../hooks/define-hooks.ts';
import type { WriteFn } from '../hooks/row-writer.ts';
import { type DmmfModel, relationFields } from '../base/datamodel.ts';
import { dependents } from './cascade.ts';
import type { Generator } from '../schema/generator.ts';
import { createRowWriter } from './row-writer.ts';
import { WriteSession } from './write-session.ts';

/** Interactive transaction limits: writes with many nested rows take a while on SQLite. */
const transactionOptions = { maxWait: 10_000, timeout: 30_000 };

/** After-hooks writing rows whose after-hooks write rows... stop here instead of looping forever. */
const MAX_WRITE_DEPTH = 16;
const depthKey = Symbol.for('strata.writeDepth');

/** One row's create, update or delete, as a mutation received it. */
export interface SingleWrite {
  model: DmmfModel;
  operation: HookOperation;
  /** The data in Prisma's shape (absent for deletes). */
  data?: Record<string, unknown>;
}

/**
 * Whether a single-row write needs an interactive transaction. It does not
 * when its only write is one statement and nothing could have to be rolled
 * back after it: no nested relation writes, no before-hooks (they may write
 * rows), no triggers (their outbox rows commit with the change), no rule
 * checked on the row after it is written (a create rule `where`,
 * `check.update`, or a read rule the written row must pass), and no delete
 * the database cascades (its dependent rows are read first). Its reads
 * (visibility, rules, foreign-key targets) run before the write, and the
 * write statement carries the row's guards itself (see `writeGuard`), so
 * they still hold when it runs.
 */
export function needsTransaction(gen: Generator, ctx: Context, { model, operation, data }: SingleWrite): boolean {
  if (gen.hooks.hasBefore(model.name, operation) || gen.hooks.hasTriggers(model.name, operation)) return true;
  // A delete the database cascades reads its dependent rows first: the reads and the delete must see one state.
  if (operation === 'delete' && dependents(gen.datamodel, model).length) return true;
  const relations = new Set(relationFields(model).map((f) => f.name));
  if (data && Object.entries(data).some(([key, value]) => value !== undefined && relations.has(key))) return true;
  const policy = gen.policy(model.name);
  const after = operation === 'create' ? policy.create(ctx) : operation === 'update' ? policy.updateCheck(ctx) : {};
  if (after !== null && Object.keys(after).length > 0) return true;
  // The written row must be readable, checked before the commit: that cannot fail only where the viewer reads every row.
  const read = policy.read(ctx);
  return operation !== 'delete' && !(read && Object.keys(read).length === 0);
}

/**
 * Runs `work` in one interactive transaction; a throw anywhere rolls every
 * row back. Trigger outbox rows are written in the same transaction, so an
 * event exists exactly when its change committed. Recorded changes are
 * published, and after-hooks run, only after the commit. With `atomic`
 * false (see {@link needsTransaction}) the work runs on the pool directly,
 * saving the transaction's round trips.
 */
export async function runWrite<T>(gen: Generator, ctx: Context, work: (session: WriteSession) => Promise<T>, atomic = true): Promise<T> {
  let session!: WriteSession;
  let outboxRows = 0;
  const unit = async (tx: Context['prisma']) => {
    session = new WriteSession(gen, ctx, tx, false, { atomic, writer: createRowWriter });
    const value = await work(session);
    outboxRows = await gen.hooks.beforeCommit({ changes: session.changes, tx });
    return value;
  };
  const result = atomic ? await ctx.prisma.$transaction(unit, transactionOptions) : await unit(ctx.prisma);
  if (session.changes.length) ctx.changes.publish(session.changes);
  await gen.hooks.afterCommit({ changes: session.changes, outboxRows, viewer: ctx.viewer, prisma: ctx.prisma, log: ctx.log, write: writeAs(gen, ctx) });
  return result;
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
