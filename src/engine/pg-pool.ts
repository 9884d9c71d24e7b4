import pg from 'pg';

/** Postgres's internal one-byte `"char"` type, which the Prisma pg adapter cannot read. */
const CHAR_OID = 18;
const TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] };

function relabelChar(result: unknown): unknown {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const field of (r as QueryResultLike)?.fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

/**
 * A pg client that reports `"char"` columns as text. The schema engine reads
 * catalog columns of that type; without this the adapter rejects them.
 */
class CatalogSafeClient extends pg.Client {
  // pg's overloads are too many to restate; the promise form is the one adapters use.
  query(...args: any[]): any {
    const last = args.length - 1;
    // pool.query passes a callback; adapters inside transactions use the promise form.
    if (typeof args[last] === 'function') {
      const callback = args[last];
      args[last] = (error: unknown, result: unknown) => callback(error, error ? result : relabelChar(result));
    }
    const out = (super.query as (...a: any[]) => any)(...args);
    return out && typeof out.then === 'function' ? out.then(relabelChar) : out;
  }
}

/** Options for {@link createPgPool}. */
export interface PgPoolOptions {
  /** Most connections held open. @default 10 */
  max?: number;
  /** Report `"char"` catalog columns as text (needed by the schema engine). @default false */
  catalogSafe?: boolean;
  /**
   * Plan every execution of a prepared statement for its own parameters
   * (`plan_cache_mode = force_custom_plan`): PostgreSQL's generic plan for a
   * nested read with `LIMIT` parameters can be several times slower. The
   * statements are still parsed only once. @default false
   */
  customPlans?: boolean;
}

/** Creates the one pg pool shape Strata uses, for queries and for the schema engine. */
export function createPgPool(connectionString: string, options: PgPoolOptions = {}): pg.Pool {
  return new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    ...(options.catalogSafe ? { Client: CatalogSafeClient } : {}),
    ...(options.customPlans ? { options: '-c plan_cache_mode=force_custom_plan' } : {}),
  });
}
