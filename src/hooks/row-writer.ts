import type { Viewer } from '../base/viewer.ts';
import type { PrismaLike } from '../base/context.ts';

type Row = Record<string, any>;

/**
 * Model types a writer is checked against: Pothos' generated `PrismaTypes`
 * (see `src/hooks/app-types.ts`), or anything shaped like it.
 */
export type ModelTypes = object;

/** The loose model types used before the first `strata generate`. */
export type LooseModelTypes = Record<string, { Shape: Row; Where: Row; WhereUnique: Row }>;

type Entry<T, M> = M extends keyof T ? T[M] : never;
/** The row type of model `M`. */
export type ShapeOf<T, M> = Entry<T, M> extends { Shape: infer S } ? (S extends object ? S : Row) : Row;
/** The Prisma `where` of model `M`. */
export type WhereOf<T, M> = Entry<T, M> extends { Where: infer W } ? W : Row;
/** The Prisma unique `where` of model `M`. */
export type WhereUniqueOf<T, M> = Entry<T, M> extends { WhereUnique: infer W } ? W : Row;

/** Prisma's atomic number operations, as updates accept them. */
type NumberOps<V> = V extends number | bigint ? { set?: V; increment?: V; decrement?: V; multiply?: V; divide?: V } : never;

/**
 * Input of a row write, as Prisma takes it: column values (numbers also as
 * atomic operations), plus nested relation operations under relation names.
 */
export type WriteData<T, M> = { [K in keyof ShapeOf<T, M>]?: ShapeOf<T, M>[K] | NumberOps<ShapeOf<T, M>[K]> } & { [key: string]: unknown };

/** Per-call options of a {@link RowWriter} write. */
export interface WriteOptions {
  /**
   * Skip the access rules for this write (server-side code acting on its
   * own authority, e.g. an audit row). Hooks, change events and triggers
   * still run. @default false
   */
  trusted?: boolean;
}

/**
 * Row writes through Strata's write pipeline: each call checks the rules
 * (unless `trusted`), runs the hooks of every row it touches, records change
 * events and trigger outbox rows, all in the transaction it belongs to.
 */
export interface RowWriter<T extends ModelTypes = LooseModelTypes> {
  /** Who the writes are made for (rules and hooks see this viewer). */
  readonly viewer: Viewer;
  /** The transaction client: reads see this transaction's uncommitted rows. Writes made with it directly bypass hooks and events. */
  readonly tx: PrismaLike;
  /**
   * Locks one row until the transaction ends and returns it as the viewer
   * may see it (NOT_FOUND otherwise): check-then-write logic stays correct
   * under concurrent requests. PostgreSQL takes a `FOR UPDATE` row lock;
   * SQLite write transactions already exclude each other.
   */
  lock<M extends keyof T & string>(model: M, where: WhereUniqueOf<T, M>, options?: WriteOptions): Promise<ShapeOf<T, M>>;
  create<M extends keyof T & string>(model: M, data: WriteData<T, M>, options?: WriteOptions): Promise<ShapeOf<T, M>>;
  update<M extends keyof T & string>(model: M, where: WhereUniqueOf<T, M>, data: WriteData<T, M>, options?: WriteOptions): Promise<ShapeOf<T, M>>;
  delete<M extends keyof T & string>(model: M, where: WhereUniqueOf<T, M>, options?: WriteOptions): Promise<ShapeOf<T, M>>;
  updateMany<M extends keyof T & string>(model: M, where: WhereOf<T, M>, data: WriteData<T, M>, options?: WriteOptions): Promise<number>;
  deleteMany<M extends keyof T & string>(model: M, where: WhereOf<T, M>, options?: WriteOptions): Promise<number>;
}

/** Runs `work` in a new write transaction (commit, then events, after-hooks and trigger delivery). */
export type WriteFn<T extends ModelTypes = LooseModelTypes> = <R>(work: (writer: RowWriter<T>) => Promise<R>) => Promise<R>;
