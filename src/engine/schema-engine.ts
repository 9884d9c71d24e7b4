import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';

let loaded = false;

/** Timers the engine set and that have not fired yet. */
const pendingTimers = new Set<NodeJS.Timeout>();

/**
 * The engine's `setTimeout`, recorded so {@link cancelEngineTimers} can clear
 * it: the engine sets 60 s timers it never clears, which would keep a CLI
 * process alive for a minute after its work is done.
 */
function engineSetTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    pendingTimers.delete(timer);
    callback();
  }, ms >>> 0);
  pendingTimers.add(timer);
  return timer;
}

/**
 * Clears every timer the schema engine left pending. Only for when no engine
 * is in use: an engine operation waiting on one of them would never finish.
 */
export function cancelEngineTimers(): void {
  for (const timer of pendingTimers) clearTimeout(timer);
  pendingTimers.clear();
}

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
  const imports: WebAssembly.ModuleImports = { ...(bindings as unknown as WebAssembly.ModuleImports) };
  // wasm-bindgen names the import after a hash of its signature: match the stable prefix.
  for (const name of Object.keys(imports)) if (name.startsWith('__wbg_setTimeout_')) imports[name] = engineSetTimeout;
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': imports });
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
