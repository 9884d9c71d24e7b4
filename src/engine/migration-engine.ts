import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { providerOf } from '../base/config.ts';
import { createPgEngineFactory } from './pg-engine-factory.ts';
import { cancelEngineTimers, type EngineHandle, loadSchemaEngineWasm } from './schema-engine.ts';
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

/** Engines opened and not closed yet in this process. */
let openEngines = 0;

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
  const shutdown = async () => {
    for (const adapter of opened) await adapter.dispose();
    await release();
    // The freed engine's timers would only keep the process alive (a CLI would exit a minute late).
    if (--openEngines === 0) cancelEngineTimers();
  };
  openEngines += 1;
  let engine: SchemaEngine;
  try {
    engine = await bindings.SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
  } catch (error) {
    await shutdown();
    throw error;
  }
  return {
    engine,
    get writeAttempted() {
      return writeAttempted;
    },
    close: async () => {
      engine.free();
      await shutdown();
    },
  };
}
