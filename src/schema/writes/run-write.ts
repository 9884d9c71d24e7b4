import type { Context } from '../../context.ts';
import type { Generator } from '../generator.ts';
import { WriteSession } from './write-session.ts';

/** Interactive transaction limits: writes with many nested rows take a while on SQLite. */
const transactionOptions = { maxWait: 10_000, timeout: 30_000 };

/**
 * Runs `work` in one interactive transaction; a throw anywhere rolls every
 * row back. Recorded changes are published only after the commit.
 */
export async function runWrite<T>(gen: Generator, ctx: Context, work: (session: WriteSession) => Promise<T>): Promise<T> {
  let session!: WriteSession;
  const result = await ctx.prisma.$transaction(async (tx: Context['prisma']) => {
    session = new WriteSession(gen, ctx, tx);
    return work(session);
  }, transactionOptions);
  if (session.changes.length) ctx.changes.publish(session.changes);
  return result;
}
