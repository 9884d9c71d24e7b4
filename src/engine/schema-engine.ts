import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';

let loaded = false;

/**
 * Instantiates Prisma's schema engine WebAssembly once per process. Its ESM
 * entry imports a `.wasm` file, which Node 20 cannot import, so the module is
 * compiled here and handed to the bindings.
 */
export function loadSchemaEngineWasm(): typeof bindings {
  if (loaded) return bindings;
  const require = createRequire(import.meta.url);
  const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = bgPath.replace(/schema_engine_bg\.js$/, 'schema_engine_bg.wasm');
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  loaded = true;
  return bindings;
}

/** A schema engine bound to one database, and how to let go of it. */
export interface EngineHandle {
  engine: SchemaEngine;
  close(): Promise<void>;
}
