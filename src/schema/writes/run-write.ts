import type { Context } from '../../context.ts';
import type { Generator } from '../generator.ts';
import { writeAs } from './row-writer.ts';
import { WriteSession } from './write-session.ts';

/** Interactive transaction limits: writes with many nested rows take a while on SQLite. */
const transactionOptions = { maxWait: 10_000, timeout: 30_000 };

/**
 * Runs `work` in one interactive transaction; a throw anywhere rolls every
 * row back. Trigger outbox rows are written in the same transaction, so an
 * event exists exactly when its change committed. Recorded changes are
 * published, and after-hooks run, only after the commit.
 */
export async function runWrite<T>(gen: Generator, ctx: Context, work: (session: WriteSession) => Promise<T>): Promise<T> {
  let session!: WriteSession;
  let outboxRows = 0;
  const result = await ctx.prisma.$transaction(async (tx: Context['prisma']) => {
    session = new WriteSession(gen, ctx, tx);
    const value = await work(session);
    outboxRows = await gen.hooks.beforeCommit({ changes: session.changes, tx });
    return value;
  }, transactionOptions);
  if (session.changes.length) ctx.changes.publish(session.changes);
  await gen.hooks.afterCommit({ changes: session.changes, outboxRows, viewer: ctx.viewer, prisma: ctx.prisma, log: ctx.log, write: writeAs(gen, ctx) });
  return result;
}
