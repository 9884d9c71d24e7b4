import type { Logger } from 'pino';
import type { Viewer } from './viewer.ts';
import type { ChangeSink } from './change-event.ts';

/** The Prisma client surface Strata uses; the concrete client is generated per schema. */
export type PrismaLike = Record<string, any> & {
  $transaction: (...args: any[]) => Promise<any>;
  $disconnect: () => Promise<void>;
  $queryRawUnsafe: (sql: string, ...values: unknown[]) => Promise<unknown>;
};

/** What every resolver receives. */
export interface Context {
  /** The Prisma client for this request. */
  prisma: PrismaLike;
  /** Request-scoped logger. */
  log: Logger;
  /** Who is asking; anonymous until authentication resolves it. */
  viewer: Viewer;
  /** Receives committed row changes (subscriptions, triggers). */
  changes: ChangeSink;
  /** The incoming HTTP request (absent for operations run in process). */
  request?: Request;
}
