import type { Logger } from 'pino';
import type { Viewer } from '../base/viewer.ts';
import type { PrismaLike } from '../base/context.ts';
import { AppError, fromPrismaError } from '../base/errors.ts';
import type { ChangeEvent } from '../base/change-event.ts';
import type { HookOperation, Hooks } from './define-hooks.ts';
import { type OutboxTarget, outboxRows } from './outbox.ts';
import type { RowWriter, WriteFn } from './row-writer.ts';

type Data = Record<string, any>;
type Row = Record<string, unknown>;

/** One row about to be written, as the pipeline hands it to {@link WriteHooks.before}. */
export interface BeforeInput {
  model: string;
  operation: HookOperation;
  /** The values and nested operations to write (absent for deletes). */
  data?: Data;
  /** The row as it is (updates and deletes). */
  existing?: Row;
  viewer: Viewer;
  tx: PrismaLike;
  writer: RowWriter;
  log: Logger;
}

/** What the write pipeline calls; one call site per hook point (see `src/writes`). */
export interface WriteHooks {
  /** Whether `validate` or the before-hook of `operation` exists (batch updates keep one statement otherwise). */
  hasBefore(model: string, operation: HookOperation): boolean;
  /** Whether `model` has the after-hook of `operation` (it may change the row once committed). */
  hasAfter(model: string, operation: HookOperation): boolean;
  /** Whether a trigger watches `operation` on `model` (those writes then carry outbox rows, written in their transaction). */
  hasTriggers(model: string, operation: HookOperation): boolean;
  /** `validate`, then `beforeX`, for one row; returns the data to write. */
  before(input: BeforeInput): Promise<Data | undefined>;
  /** Writes the trigger outbox rows of the transaction's changes, inside it; returns how many. */
  beforeCommit(input: { changes: ChangeEvent[]; tx: PrismaLike }): Promise<number>;
  /** After the commit: wakes the delivery worker, then runs the after-hooks in order. */
  afterCommit(input: { changes: ChangeEvent[]; outboxRows: number; viewer: Viewer; prisma: PrismaLike; write: WriteFn; log: Logger }): Promise<void>;
}

/** The pipeline without custom logic. */
export const noWriteHooks: WriteHooks = {
  hasBefore: () => false,
  hasAfter: () => false,
  hasTriggers: () => false,
  before: async ({ data }) => data,
  beforeCommit: async () => 0,
  afterCommit: async () => {},
};

/** A hook that failed with something other than an AppError: logged in full, shown to clients as INTERNAL_SERVER_ERROR. */
export class HookError extends Error {
  constructor(
    readonly hook: string,
    cause: unknown,
  ) {
    super(`${hook} hook failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'HookError';
  }
}

/** AppErrors and Prisma errors (mapped by the error module) reach the client; anything else is wrapped to be masked. */
function rethrowable(hook: string, error: unknown): unknown {
  if (error instanceof AppError || fromPrismaError(error)) return error;
  return new HookError(hook, error);
}

const beforeName = { create: 'beforeCreate', update: 'beforeUpdate', delete: 'beforeDelete' } as const;
const afterName = { CREATED: 'afterCreate', UPDATED: 'afterUpdate', DELETED: 'afterDelete' } as const;
const afterHookName = { create: 'afterCreate', update: 'afterUpdate', delete: 'afterDelete' } as const;

export interface CreateWriteHooksOptions {
  hooks: Hooks<any>;
  /** Triggers whose outbox rows are written with each change. */
  targets: OutboxTarget[];
  /** Time stamped on outbox rows as their first due time. @default the system clock */
  now?: () => Date;
  /** Called after a commit that wrote outbox rows (wakes the delivery worker). */
  onOutbox?: () => void;
}

/** The pipeline's view of the app's hooks and triggers. */
export function createWriteHooks({ hooks, targets, now = () => new Date(), onOutbox }: CreateWriteHooksOptions): WriteHooks {
  return {
    hasBefore(model, operation) {
      const h = hooks[model];
      return !!h && (!!h[beforeName[operation]] || (operation !== 'delete' && !!h.validate));
    },

    hasAfter(model, operation) {
      return !!hooks[model]?.[afterHookName[operation]];
    },

    hasTriggers(model, operation) {
      return targets.some((target) => target.model === model && target.on.includes(operation));
    },

    async before(input) {
      const h = hooks[input.model];
      if (!h) return input.data;
      const { model, operation, existing, viewer, tx, writer, log } = input;
      const base = { model, operation, viewer, tx, writer, log };
      let data = input.data;
      let current = `${model}.validate`;
      try {
        if (operation !== 'delete' && h.validate) await h.validate({ ...base, operation, data: data!, existing } as never);
        current = `${model}.${beforeName[operation]}`;
        const hook = h[beforeName[operation]] as ((args: object) => unknown) | undefined;
        if (hook) {
          const returned = await hook({ ...base, data, existing });
          if (operation !== 'delete' && returned !== undefined) {
            if (returned === null || typeof returned !== 'object' || Array.isArray(returned)) throw new Error('must return the data to write, or nothing');
            data = returned as Data;
          }
        }
      } catch (error) {
        throw rethrowable(current, error);
      }
      return data;
    },

    async beforeCommit({ changes, tx }) {
      if (targets.length === 0 || changes.length === 0) return 0;
      const rows = await outboxRows(changes, targets, now());
      if (rows.length) await tx.strataOutbox.createMany({ data: rows });
      return rows.length;
    },

    async afterCommit({ changes, outboxRows: written, viewer, prisma, write, log }) {
      if (written) onOutbox?.();
      for (const change of changes) {
        // Hooks run around the operations clients ask for, not around what the database cascades.
        if (change.cascade) continue;
        const name = afterName[change.kind];
        const hook = hooks[change.model]?.[name] as ((args: object) => unknown) | undefined;
        if (!hook) continue;
        try {
          await hook({ model: change.model, viewer, prisma, write, log, row: change.row, ...(change.previous ? { previous: change.previous } : {}) });
        } catch (error) {
          // The write is committed: the client still gets its result, the operator gets the error.
          log.error({ err: error, hook: `${change.model}.${name}` }, 'after-hook failed; the write stays committed');
        }
      }
    },
  };
}
