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
   * Turns JIT compilation off (`jit = off`): a compiled read's one statement
   * has many subqueries, and JIT-compiling their expressions took seconds
   * where running them takes milliseconds. @default false
   */
  disableJit?: boolean;
  /**
   * Called for a connection's error outside any query: the server ended an
   * idle connection (a restart, `pg_terminate_backend`, `DROP DATABASE ...
   * WITH (FORCE)`: 57P01). The pool drops that connection; errors of a query
   * still reach its caller. Without it such an error is an uncaught
   * exception: pg emits it on the pool or on the client, which have no
   * listener. @default none
   */
  onConnectionError?: (error: Error) => void;
}

/** Creates the one pg pool shape Strata uses, for queries and for the schema engine. */
export function createPgPool(connectionString: string, options: PgPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    ...(options.catalogSafe ? { Client: CatalogSafeClient } : {}),
    ...(options.disableJit ? { options: '-c jit=off' } : {}),
  });
  const { onConnectionError } = options;
  if (onConnectionError) {
    // The pool listens to idle clients only; a client checked out, or being closed by pool.end(), emits on itself.
    pool.on('error', onConnectionError);
    pool.on('connect', (client) => client.on('error', onConnectionError));
  }
  return pool;
}

const CLOSE_WAIT_MS = 5000;

/**
 * Ends `pool` and resolves once every connection it held has closed (at most
 * after 5 s). `pool.end()` resolves as soon as it has sent each idle
 * connection's Terminate, while the server may still be running their
 * backends: dropping the database right then would terminate them (57P01).
 */
export async function closePool(pool: pg.Pool): Promise<void> {
  let open = pool.totalCount;
  // The pool emits 'remove' for a client once its socket has closed.
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => --open <= 0 && resolve());
  });
  // Bounded: a connection never released or never closed is for DROP ... WITH (FORCE) to end, not a reason to hang.
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
  await Promise.race([Promise.all([pool.end(), closed]), bound]);
  clearTimeout(timer);
}
