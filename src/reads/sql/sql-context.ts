import type { Datamodel } from '../../base/datamodel.ts';

/** The SQL dialects the read compiler emits. */
export type Dialect = 'postgresql' | 'sqlite';

/**
 * Bound parameters of one statement. Values never appear in the SQL text, so
 * one statement text serves every viewer of the same shape.
 */
export class Params {
  readonly values: unknown[] = [];
  constructor(readonly dialect: Dialect) {}

  /**
   * Adds a value and returns its numbered placeholder (`$1` on PostgreSQL,
   * `?1` on SQLite), so pieces of SQL may be assembled in any order.
   */
  add(value: unknown): string {
    this.values.push(value);
    return this.dialect === 'postgresql' ? `$${this.values.length}` : `?${this.values.length}`;
  }
}

/** What every part of the compiler needs while building one statement. */
export interface SqlContext {
  dialect: Dialect;
  datamodel: Datamodel;
  params: Params;
  /** A fresh table alias (`t1`, `t2`, ...), unique within the statement. */
  alias(): string;
}

/** Creates the context for one statement. */
export function createSqlContext(datamodel: Datamodel, dialect: Dialect = datamodel.provider): SqlContext {
  let next = 0;
  return { dialect, datamodel, params: new Params(dialect), alias: () => `t${++next}` };
}

/** Quotes an identifier (a table or column name) for both dialects. */
export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
