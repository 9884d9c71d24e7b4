import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { providerOf } from '../config.ts';
import { createPgEngineFactory } from './pg-engine-factory.ts';
import { type EngineHandle, loadSchemaEngineWasm } from './schema-engine.ts';
import { createSqliteEngineFactory } from './sqlite-engine-factory.ts';

/** No tables or enums are managed outside Strata. */
export const FILTERS = { externalTables: [], externalEnums: [] };

/** A prepared schema as the engine's schema-files container. */
export function schemaFiles(schema: { source: string; content: string }) {
  return { files: [{ path: schema.source, content: schema.content }] };
}

/** Options for {@link openMigrationEngine}. */
export interface MigrationEngineOptions {
  /**
   * Refuse every write to the main database (reads still reach it), and
   * record that one was attempted: a `schemaPush` then reports its data-loss
   * warnings without changing anything. @default false
   */
  readOnly?: boolean;
}

/** An engine handle from {@link openMigrationEngine}. */
export interface MigrationEngineHandle extends EngineHandle {
  /** Whether a read-only engine tried to write. */
  readonly writeAttempted: boolean;
}

const WRITES = ['executeRaw', 'executeScript', 'startTransaction'] as const;

function refuseWrites(adapter: SqlDriverAdapter, onWrite: () => void): SqlDriverAdapter {
  for (const method of WRITES) {
    (adapter as unknown as Record<string, unknown>)[method] = async () => {
      onWrite();
      throw new Error('Strata: this schema engine is read-only');
    };
  }
  return adapter;
}

/**
 * Opens the schema engine on `databaseUrl` with a shadow database, as `diff`
 * from a migrations folder and `devDiagnostic` need: an in-memory SQLite
 * database, or a temporary database on the same PostgreSQL server. Callers
 * must `close()` the handle.
 */
export async function openMigrationEngine(
  databaseUrl: string,
  schema: { path: string; content: string },
  options: MigrationEngineOptions = {},
): Promise<MigrationEngineHandle> {
  const bindings = loadSchemaEngineWasm();
  let release = async () => {};
  let factory;
  if (providerOf(databaseUrl) === 'sqlite') {
    factory = createSqliteEngineFactory(databaseUrl);
  } else {
    const pg = createPgEngineFactory(databaseUrl);
    factory = pg.factory;
    release = pg.close;
  }
  let writeAttempted = false;
  // The engine does not dispose of its connections when freed; an open SQLite handle would keep the file locked.
  const opened: SqlDriverAdapter[] = [];
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter: SqlDriverAdapter = await connect();
    opened.push(adapter);
    return options.readOnly ? refuseWrites(adapter, () => (writeAttempted = true)) : adapter;
  };
  const engine = await bindings.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    get writeAttempted() {
      return writeAttempted;
    },
    close: async () => {
      engine.free();
      for (const adapter of opened) await adapter.dispose();
      await release();
    },
  };
}
