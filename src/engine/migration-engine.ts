import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { providerOf } from '../config.ts';
import { createPgEngineFactory } from './pg-engine-factory.ts';
import { openSchemaEngine, type EngineHandle } from './schema-engine.ts';
import { createSqliteEngineFactory } from './sqlite-engine-factory.ts';

let wasmReady = false;

/** Loads the engine's WebAssembly through `openSchemaEngine`, the one place that instantiates it. */
async function ensureWasm(): Promise<void> {
  if (wasmReady) return;
  const probe = await openSchemaEngine('file::memory:', { path: 'schema.prisma', content: 'datasource db {\n  provider = "sqlite"\n}\n' });
  await probe.close();
  wasmReady = true;
}

/**
 * Opens the schema engine on `databaseUrl` with a shadow database, as `diff`
 * from a migrations folder and `devDiagnostic` need: an in-memory SQLite
 * database, or a temporary database on the same PostgreSQL server. Callers
 * must `close()` the handle.
 */
export async function openMigrationEngine(databaseUrl: string, schema: { path: string; content: string }): Promise<EngineHandle> {
  await ensureWasm();
  let release = async () => {};
  let factory;
  if (providerOf(databaseUrl) === 'sqlite') {
    factory = createSqliteEngineFactory(databaseUrl);
  } else {
    const pg = createPgEngineFactory(databaseUrl);
    factory = pg.factory;
    release = pg.close;
  }
  const engine = await bindings.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    close: async () => {
      engine.free();
      await release();
    },
  };
}
