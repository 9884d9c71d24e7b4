import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils';
import { sqliteFile } from './sqlite-file.ts';

type Adapter = SqlDriverAdapter & { executeScript(script: string): Promise<void> };

function messageOf(error: unknown): string {
  const e = error as { message?: unknown; cause?: { message?: unknown } };
  return `${e?.message ?? ''} ${e?.cause?.message ?? ''}`;
}

/**
 * Lets the engine run whole migration scripts through `executeRaw`, as it
 * does on the shadow database: better-sqlite3 prepares one statement at a
 * time, so a script without parameters falls back to `executeScript`.
 */
function engineCompatible(adapter: Adapter): Adapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query: SqlQuery) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (query.args.length > 0 || !/more than one statement/.test(messageOf(error))) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  return adapter;
}

/**
 * The adapter factory the schema engine uses for a SQLite file. Its shadow
 * database is in memory, so `diff` from a migrations folder and drift checks
 * leave no file behind.
 */
export function createSqliteEngineFactory(databaseUrl: string) {
  const factory = new PrismaBetterSqlite3({ url: sqliteFile(databaseUrl) }, { shadowDatabaseUrl: ':memory:' });
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  return Object.assign(factory, {
    connect: async () => engineCompatible((await connect()) as Adapter),
    connectToShadowDb: async () => engineCompatible((await connectToShadowDb()) as Adapter),
  });
}
