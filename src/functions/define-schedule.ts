import type { AppPrismaTypes } from '../hooks/app-types.ts';
import type { ModelTypes } from '../hooks/row-writer.ts';
import { brand } from './brand.ts';
import type { SystemContext } from './system-context.ts';

export interface ScheduleOptions<T extends ModelTypes> {
  /** Stable name, part of the run ledger's key. @default the export's name */
  name?: string;
  /** Cron expression, 5 fields (minute precision) or 6 (with seconds first), e.g. `0 3 * * *`. */
  cron: string;
  /** IANA time zone the expression is read in. @default UTC */
  timezone?: string;
  /** The work of one tick; `tick` is the scheduled time, the same on every instance. */
  run: (ctx: SystemContext<T> & { tick: Date }) => unknown;
  /** A run taking longer is abandoned (its `signal` aborts) and recorded as failed. @default 300000 */
  timeoutMs?: number;
}

/** A schedule as the loader and the scheduler see it. */
export interface Schedule {
  name?: string;
  cron: string;
  timezone?: string;
  run: (ctx: SystemContext<any> & { tick: Date }) => unknown;
  timeoutMs?: number;
}

/**
 * A scheduled function: `run` once per cron tick across all instances (the
 * first to insert the tick's row in the run ledger runs it). Ticks missed
 * while no instance ran are not caught up.
 */
export function defineSchedule<T extends ModelTypes = AppPrismaTypes>(options: ScheduleOptions<T>) {
  return brand('schedule', { ...options } as Schedule);
}
