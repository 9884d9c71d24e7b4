import type { Logger } from 'pino';
import type { Viewer } from '../base/viewer.ts';
import type { PrismaLike } from '../base/context.ts';
import type { AppPrismaTypes } from './app-types.ts';
import type { ModelTypes, RowWriter, ShapeOf, WriteData, WriteFn } from './row-writer.ts';

/** The operations hooks attach to. */
export type HookOperation = 'create' | 'update' | 'delete';


/** What every before-hook receives: it runs inside the write's transaction. */
export interface BeforeHookArgs<T extends ModelTypes> {
  model: string;
  operation: HookOperation;
  viewer: Viewer;
  /** The transaction client (reads see this write's uncommitted rows). */
  tx: PrismaLike;
  /** Writes through the pipeline in the same transaction (their rows run their own hooks). */
  writer: RowWriter<T>;
  log: Logger;
}

/** What every after-hook receives: it runs after the commit, outside any transaction. */
export interface AfterHookArgs<T extends ModelTypes> {
  model: string;
  viewer: Viewer;
  prisma: PrismaLike;
  /** Starts a new write transaction as the same viewer (its rows run their own hooks). */
  write: WriteFn<T>;
  log: Logger;
}

/**
 * Hooks of one model, run in this order for every row a write touches
 * (single, nested and batch writes alike):
 *
 * 1. access rules (the operation and the row must be allowed; hooks never see denied writes)
 * 2. `validate` — throw to reject (use {@link fieldError} to name the field)
 * 3. `beforeCreate` / `beforeUpdate` / `beforeDelete` — may return changed data
 * 4. the row is written (nested rows follow, each through steps 1–6)
 * 5. row checks of the rules (`create` where, `check.update`)
 * 6. trigger outbox rows are written — then the transaction commits
 * 7. `afterCreate` / `afterUpdate` / `afterDelete`, in the order rows were written
 *
 * An error in steps 1–6 rolls the whole write back. After-hooks cannot undo
 * it: their errors are logged and never reach the client.
 */
export interface ModelHooks<T extends ModelTypes, M extends keyof T> {
  /** Checks the input of a create or update (`existing` is set for updates). Throw to reject. */
  validate?: (args: BeforeHookArgs<T> & { operation: 'create' | 'update'; data: WriteData<T, M>; existing?: ShapeOf<T, M> }) => void | Promise<void>;
  /** Before a row is inserted; return the data to write (or nothing to keep it). */
  beforeCreate?: (args: BeforeHookArgs<T> & { data: WriteData<T, M> }) => WriteData<T, M> | void | Promise<WriteData<T, M> | void>;
  /** Before a row is updated; `existing` is the row as it is now. */
  beforeUpdate?: (args: BeforeHookArgs<T> & { data: WriteData<T, M>; existing: ShapeOf<T, M> }) => WriteData<T, M> | void | Promise<WriteData<T, M> | void>;
  /** Before a row is deleted; throw to refuse. */
  beforeDelete?: (args: BeforeHookArgs<T> & { existing: ShapeOf<T, M> }) => void | Promise<void>;
  /** After the commit, with the row as this write left it. */
  afterCreate?: (args: AfterHookArgs<T> & { row: ShapeOf<T, M> }) => void | Promise<void>;
  /** After the commit; `previous` is the row before the update. */
  afterUpdate?: (args: AfterHookArgs<T> & { row: ShapeOf<T, M>; previous?: ShapeOf<T, M> }) => void | Promise<void>;
  /** After the commit; `row` is the row as it was before deletion. */
  afterDelete?: (args: AfterHookArgs<T> & { row: ShapeOf<T, M> }) => void | Promise<void>;
}

/** Hooks by model name. */
export type Hooks<T extends ModelTypes = AppPrismaTypes> = { [M in keyof T & string]?: ModelHooks<T, M> };

/** The hook names a model may define, in the order they run. */
export const hookNames = ['validate', 'beforeCreate', 'beforeUpdate', 'beforeDelete', 'afterCreate', 'afterUpdate', 'afterDelete'] as const;

/**
 * Typed helper for `app/hooks.ts`: hooks per model and operation, checked
 * against the app's generated model types.
 */
export function defineHooks<T extends ModelTypes = AppPrismaTypes>(hooks: NoInfer<Hooks<T>>): Hooks<T> {
  return hooks;
}
