import type { Context, PrismaLike } from '../base/context.ts';
import { AppError } from '../base/errors.ts';
import type { HookOperation } from '../hooks/define-hooks.ts';
import type { RowWriter } from '../hooks/row-writer.ts';
import { allowAll, type ModelPolicy, type Where } from '../permissions/policy.ts';
import type { ChangeEvent } from '../base/change-event.ts';
import type { Datamodel, DmmfModel } from '../base/datamodel.ts';
import { delegateName, idFields, isOmitted, keyWhere, scalarFields } from '../base/datamodel.ts';
import type { Generator } from '../schema/generator.ts';

/** Hooks writing rows whose hooks write rows... stop here rather than at the transaction timeout. */
const MAX_HOOK_DEPTH = 16;

/** What a session and its trusted view share. */
interface SessionState {
  changes: ChangeEvent[];
  hookDepth: number;
  /** The work runs in one interactive transaction (see `runWrite`). */
  atomic: boolean;
  /** The row writes hooks get, bound to a session (`createRowWriter`; passed in, as it writes through this session). */
  writer: (session: WriteSession) => RowWriter;
}

const noWriter = (): RowWriter => {
  throw new Error('This write session has no row writer for hooks (runWrite passes one)');
};

/**
 * One mutation's unit of work: the transaction client, the caller, and the
 * row changes recorded so far, published only after commit.
 */
export class WriteSession {
  private readonly state: SessionState;

  constructor(
    readonly gen: Generator,
    readonly ctx: Context,
    readonly tx: PrismaLike,
    /** Rules are skipped (server code writing on its own authority); hooks and events still apply. */
    readonly trusted = false,
    state?: Partial<SessionState>,
  ) {
    this.state = { changes: [], hookDepth: 0, atomic: true, writer: noWriter, ...state };
  }

  /** Whether rows read for a write are locked until it commits (PostgreSQL, inside the transaction; see `lockRows`). */
  get locks(): boolean {
    return this.state.atomic && this.gen.datamodel.provider === 'postgresql';
  }

  /** Whether the work runs in one transaction; without one, each write must carry its own guards (see `updateRow`). */
  get atomic(): boolean {
    return this.state.atomic;
  }

  /** Row changes recorded so far, in write order. */
  get changes(): ChangeEvent[] {
    return this.state.changes;
  }

  /** The same unit of work with the access rules skipped. */
  asTrusted(): WriteSession {
    return this.trusted ? this : new WriteSession(this.gen, this.ctx, this.tx, true, this.state);
  }

  /**
   * The one hook point before a row is written: the app's `validate` and
   * `beforeX` hooks for this row, inside the transaction. Returns the data
   * to write (a hook may have changed it).
   */
  async before(model: DmmfModel, operation: HookOperation, data: Record<string, any> | undefined, existing?: Record<string, unknown>): Promise<Record<string, any> | undefined> {
    if (!this.gen.hooks.hasBefore(model.name, operation)) return data;
    if (this.state.hookDepth >= MAX_HOOK_DEPTH) throw new Error(`Hooks nested more than ${MAX_HOOK_DEPTH} deep (a hook writes rows whose hooks write rows...)`);
    this.state.hookDepth += 1;
    try {
      const { viewer, log } = this.ctx;
      return await this.gen.hooks.before({ model: model.name, operation, data, existing, viewer, log, tx: this.tx, writer: this.state.writer(this) });
    } finally {
      this.state.hookDepth -= 1;
    }
  }

  get datamodel(): Datamodel {
    return this.gen.datamodel;
  }

  delegate(model: DmmfModel) {
    return this.tx[delegateName(model.name)];
  }

  policy(model: DmmfModel): ModelPolicy {
    return (this.trusted ? allowAll : this.gen.policy)(model.name);
  }

  /** The select of every scalar column, so change events carry whole rows. */
  scalarSelect(model: DmmfModel): Record<string, true> {
    return Object.fromEntries(model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum').map((f) => [f.name, true]));
  }

  /** Records a change to publish after the commit; `cascade` marks what the database did on its own (see `readCascade`). */
  record(model: DmmfModel, kind: ChangeEvent['kind'], row: Record<string, unknown>, previous?: Record<string, unknown>, cascade = false): void {
    const key = Object.fromEntries(idFields(model).map((f) => [f, row[f]]));
    // Columns the API never shows (`/// @omit`, a password hash) never leave in events, trigger payloads or Redis.
    const shown = (r: Record<string, unknown>) => withoutOmitted(model, r);
    this.changes.push({ model: model.name, kind, key, row: shown(row), ...(previous ? { previous: shown(previous) } : {}), ...(cascade ? { cascade } : {}) });
  }

  /** An operation the viewer may not perform at all: UNAUTHENTICATED when anonymous, else FORBIDDEN. */
  denied(model: DmmfModel, operation: string): AppError {
    if (this.ctx.viewer.kind === 'anonymous') return new AppError('UNAUTHENTICATED', `Sign in to ${operation} ${model.name}`);
    return new AppError('FORBIDDEN', `Not allowed to ${operation} ${model.name}`);
  }

  /**
   * Finds one row the viewer may read, or throws NOT_FOUND: rows hidden by
   * rules are indistinguishable from rows that do not exist.
   */
  async findVisible(model: DmmfModel, where: Where): Promise<Record<string, unknown>> {
    const read = this.policy(model).read(this.ctx);
    const row = read && (await this.delegate(model).findFirst({ where: { AND: [where, read] }, select: this.scalarSelect(model) }));
    if (!row) throw new AppError('NOT_FOUND', `${model.name} not found`);
    return row;
  }

  /**
   * Throws FORBIDDEN unless the viewer may read the row just written. Runs
   * inside the write, before the commit, so a refused write leaves nothing
   * behind (see `needsTransaction`).
   */
  async requireReadable(model: DmmfModel, row: Record<string, unknown>): Promise<void> {
    const read = this.policy(model).read(this.ctx);
    if (read && Object.keys(read).length === 0) return;
    const match = read && (await this.delegate(model).findFirst({ where: { AND: [keyWhere(model, row), read] }, select: { [idFields(model)[0]]: true } }));
    if (!match) throw new AppError('FORBIDDEN', `The ${model.name} was written but is not readable by you`);
  }

  /** Throws FORBIDDEN unless the row also matches `allowed`. */
  async requireMatch(model: DmmfModel, row: Record<string, unknown>, allowed: Where | null, operation: string): Promise<void> {
    if (allowed === null) throw this.denied(model, operation);
    if (Object.keys(allowed).length === 0) return;
    const match = await this.delegate(model).findFirst({ where: { AND: [keyWhere(model, row), allowed] }, select: { [idFields(model)[0]]: true } });
    if (!match) throw this.denied(model, operation);
  }
}

/** `row` without the columns the API never shows; the same object when the model has none. */
function withoutOmitted(model: DmmfModel, row: Record<string, unknown>): Record<string, unknown> {
  const omitted = model.fields.filter(isOmitted);
  if (omitted.length === 0) return row;
  const copy = { ...row };
  for (const field of omitted) delete copy[field.name];
  return copy;
}


export { scalarFields };
