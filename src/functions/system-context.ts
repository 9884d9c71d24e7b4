import type { Logger } from 'pino';
import type { Viewer } from '../base/viewer.ts';
import type { Config } from '../base/config.ts';
import type { PrismaLike } from '../base/context.ts';
import type { AppPrismaTypes } from '../hooks/app-types.ts';
import type { ModelTypes, WriteFn } from '../hooks/row-writer.ts';

/** The viewer of work Strata runs on its own authority (trigger handlers, schedules). */
export const systemViewer: Viewer = { kind: 'service' };

/** What trigger handlers and scheduled functions receive besides their own arguments. */
export interface SystemContext<T extends ModelTypes = AppPrismaTypes> {
  /** The Prisma client (no rules: this is server code). */
  prisma: PrismaLike;
  /** Writes through the pipeline as the system viewer: hooks, events and triggers apply. */
  write: WriteFn<T>;
  log: Logger;
  config: Config;
  /** Aborted when the run times out or the process stops. */
  signal: AbortSignal;
}
