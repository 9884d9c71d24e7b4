import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { closePool, createPgPool } from './pg-pool.ts';

/**
 * An engine connection's error outside a query needs no handling: the pool
 * drops that connection, and the engine sees errors of its own queries. The
 * expected one is 57P01 on a shadow database connection still closing when
 * the database is dropped WITH (FORCE).
 */
const ignore = () => {};

/** A small pool whose results the schema engine can read (catalog `"char"` columns as text). */
const enginePool = (url: string): pg.Pool => createPgPool(url, { max: 2, catalogSafe: true, onConnectionError: ignore });

async function adminQuery(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', ignore);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL adapter factory for the schema engine, and how to release all it opened. */
export interface PgEngineFactory {
  factory: PrismaPg & { connectToShadowDb(): Promise<SqlDriverAdapter> };
  /** Ends the pools and drops any shadow database still there. */
  close(): Promise<void>;
}

/**
 * The adapter factory the schema engine uses for PostgreSQL. Its shadow
 * database is a fresh `strata_shadow_<random>` database on the same server
 * (the role needs CREATEDB, as with `prisma migrate dev`), dropped when the
 * engine lets go of it or at the latest on `close()`. PrismaPg's own
 * `connectToShadowDb` cannot be used: given a connection string, its shadow
 * pool connects to the main database again.
 */
export function createPgEngineFactory(databaseUrl: string): PgEngineFactory {
  const main = enginePool(databaseUrl);
  const shadows = new Set<() => Promise<void>>();
  const connectToShadowDb = async (): Promise<SqlDriverAdapter> => {
    const name = `strata_shadow_${randomBytes(6).toString('hex')}`;
    await adminQuery(databaseUrl, `CREATE DATABASE "${name}"`);
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    const pool = enginePool(url.toString());
    const adapter = await new PrismaPg(pool).connect();
    const release = adapter.dispose.bind(adapter);
    const drop = async () => {
      if (!shadows.delete(drop)) return;
      await release();
      // Closed, not just ended: FORCE would otherwise terminate the backends still finishing.
      await closePool(pool);
      await adminQuery(databaseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
    shadows.add(drop);
    adapter.dispose = drop;
    return adapter;
  };
  return {
    factory: Object.assign(new PrismaPg(main), { connectToShadowDb }),
    close: async () => {
      for (const drop of [...shadows]) await drop();
      await closePool(main);
    },
  };
}
