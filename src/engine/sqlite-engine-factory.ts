import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { DriverAdapterError, type SqlDriverAdapter, type SqlQuery } from '@prisma/driver-adapter-utils';
import { sqliteFile } from './sqlite-file.ts';

type Adapter = SqlDriverAdapter & { executeScript(script: string): Promise<void> };

function messageOf(error: unknown): string {
  const e = error as { message?: unknown; cause?: { message?: unknown } };
  return `${e?.message ?? ''} ${e?.cause?.message ?? ''}`;
}

/**
 * Adjusts a better-sqlite3 adapter to what the WebAssembly schema engine
 * expects of SQLite:
 * - a missing table must surface as SQLite's own "no such table" error (the
 *   adapter's `TableDoesNotExist` kind makes the engine fail where it would
 *   otherwise treat `_prisma_migrations` as not created yet);
 * - the engine runs whole migration scripts through `executeRaw` on the shadow
 *   database, which better-sqlite3 refuses for more than one statement.
 */
function engineCompatible(adapter: Adapter): Adapter {
  const queryRaw = adapter.queryRaw.bind(adapter);
  const executeRaw = adapter.executeRaw.bind(adapter);
  const asSqliteError = (error: unknown): never => {
    const cause = (error as { cause?: { kind?: string; table?: string } })?.cause;
    if (cause?.kind === 'TableDoesNotExist') {
      throw new DriverAdapterError({ kind: 'sqlite', extendedCode: 1, message: `no such table: ${cause.table ?? ''}` });
    }
    throw error;
  };
  adapter.queryRaw = (query: SqlQuery) => queryRaw(query).catch(asSqliteError);
  adapter.executeRaw = async (query: SqlQuery) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (query.args.length > 0 || !/more than one statement/.test(messageOf(error))) return asSqliteError(error);
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
