import type { AppPrismaTypes } from '../hooks/app-types.ts';
import type { TriggerChange, TriggerOn } from '../hooks/outbox.ts';
import type { ModelTypes, ShapeOf } from '../hooks/row-writer.ts';
import type { Backoff } from './backoff.ts';
import { brand } from './brand.ts';
import type { SystemContext } from './system-context.ts';

type JsonOf<V> = V extends bigint | Date | Uint8Array ? string : V extends { toFixed(): string; d: unknown } ? string : V;
/** A row as triggers receive it (see `src/hooks/json-row.ts`): BigInt, Decimal, DateTime and Bytes as strings. */
export type JsonRowOf<S> = S extends object ? { [K in keyof S]: JsonOf<S[K]> } : Record<string, unknown>;

/** One delivery of a committed change to a trigger's handler. */
export interface TriggerEvent<Row = Record<string, unknown>> extends Omit<TriggerChange, 'row' | 'previous'> {
  row: Row;
  previous?: Row;
  /** The outbox row's id. */
  id: string;
  /** The same on every delivery of this event (deliveries are at least once): de-duplicate on it. */
  idempotencyKey: string;
  trigger: string;
  /** 1 on the first delivery. */
  attempt: number;
  /** When the change was written. */
  createdAt: Date;
}

type RowOf<T extends ModelTypes, M extends keyof T> = JsonRowOf<ShapeOf<T, M>>;

/** Runs once per delivery; throw (or reject) to have the event retried. */
export type TriggerHandler<Row = Record<string, unknown>, T extends ModelTypes = AppPrismaTypes> = (event: TriggerEvent<Row>, ctx: SystemContext<T>) => unknown;

export interface TriggerOptions<T extends ModelTypes, M extends keyof T & string> {
  /** Stable name, stored with every event. @default the export's name */
  name?: string;
  model: M;
  on: TriggerOn[];
  /** Which changes make an event; runs inside the write's transaction (an error rolls the write back). @default every change */
  where?: (change: TriggerChange & { row: RowOf<T, M>; previous?: RowOf<T, M> }) => boolean | Promise<boolean>;
  handler: TriggerHandler<RowOf<T, M>, T>;
  /** Deliveries before the event is dead-lettered. @default 5 */
  maxAttempts?: number;
  /** Delay between attempts. @default exponential from 1 s, doubling, at most 1 h, ±10% */
  backoff?: Backoff;
  /** A delivery running longer fails (its `signal` aborts); the worker renews its lease meanwhile. @default 30000 */
  timeoutMs?: number;
}

/** A trigger as the loader and the worker see it. */
export interface Trigger {
  name?: string;
  model: string;
  on: TriggerOn[];
  where?: (change: TriggerChange) => boolean | Promise<boolean>;
  handler: TriggerHandler<any, any>;
  maxAttempts?: number;
  backoff?: Backoff;
  timeoutMs?: number;
}

/**
 * An event trigger: every committed create/update/delete of `model`
 * matching `where` is written to the outbox in the change's own
 * transaction, then delivered to `handler` by the delivery worker, at least
 * once, with retries and backoff, until `maxAttempts` (then dead-lettered).
 */
export function defineTrigger<T extends ModelTypes = AppPrismaTypes, M extends keyof T & string = keyof T & string>(options: TriggerOptions<T, M>) {
  return brand('trigger', { ...options } as Trigger);
}
