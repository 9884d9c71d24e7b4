import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { providerOf } from '../config.ts';
import { createPgPool } from './pg-pool.ts';
import { sqliteFile } from './sqlite-file.ts';

let loaded = false;

/** Instantiates the schema engine's WebAssembly once per process (Node 20 cannot import .wasm). */
function loadWasm(): void {
  if (loaded) return;
  const require = createRequire(import.meta.url);
  const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = bgPath.replace(/schema_engine_bg\.js$/, 'schema_engine_bg.wasm');
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  loaded = true;
}

/** A schema engine bound to one database, and how to let go of it. */
export interface EngineHandle {
  engine: SchemaEngine;
  close(): Promise<void>;
}

/**
 * Opens the WebAssembly schema engine on `databaseUrl` for `schema` (the
 * prepared schema text). Callers must `close()` it.
 */
export async function openSchemaEngine(databaseUrl: string, schema: { path: string; content: string }): Promise<EngineHandle> {
  loadWasm();
  let close = async () => {};
  let factory;
  if (providerOf(databaseUrl) === 'sqlite') {
    factory = new PrismaBetterSqlite3({ url: sqliteFile(databaseUrl) });
  } else {
    const pool = createPgPool(databaseUrl, { max: 2, catalogSafe: true });
    factory = new PrismaPg(pool);
    close = () => pool.end();
  }
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await bindings.SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, () => {}, adapter);
  return {
    engine,
    close: async () => {
      engine.free();
      await close();
    },
  };
}
