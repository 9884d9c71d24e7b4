import type { Logger } from 'pino';
import type { Viewer } from './viewer.ts';
import type { ChangeSink } from './change-event.ts';

/** The Prisma client surface Strata uses; the concrete client is generated per schema. */
export type PrismaLike = Record<string, any> & {
  $transaction: (...args: any[]) => Promise<any>;
  $disconnect: () => Promise<void>;
  $queryRawUnsafe: (sql: string, ...values: unknown[]) => Promise<unknown>;
};

/**
 * What one HTTP request keeps beyond a single resolver: what was learnt
 * about the client and what its response must carry. It lives on yoga's
 * per-request server context (see `useHttpExchange`), so the plugins and
 * every resolver of the request share it; operations without HTTP have none.
 */
export interface HttpExchange {
  /** The client's address (trusted proxies applied), once authentication resolved it. */
  address?: string;
  /** Set-Cookie values queued for the response (sign-in, sign-out, session renewal). */
  cookies: string[];
}

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
  /** The request's shared state (absent without HTTP: websockets, operations run in process). */
  http?: HttpExchange;
}
