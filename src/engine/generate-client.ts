import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PreparedSchema } from './prepare-schema.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Where a generated client lives, and its entry points. */
export interface GeneratedClient {
  dir: string;
  /** The prepared schema file Prisma generated from. */
  schemaFile: string;
  /** `client.ts` of Prisma's `prisma-client` generator. */
  clientEntry: string;
  /** Pothos' generated types and datamodel. */
  pothosEntry: string;
}

/** A file inside an installed package, also one its `exports` map does not list. */
function packageFile(name: string, file: string): string {
  const entry = require.resolve(name);
  const marker = `${path.sep}node_modules${path.sep}${name}${path.sep}`;
  return path.join(entry.slice(0, entry.lastIndexOf(marker) + marker.length), file);
}

function generatorsFor(dir: string): string {
  const pothos = packageFile('@pothos/plugin-prisma', 'bin/generator.js');
  return `
generator client {
  provider     = "prisma-client"
  output       = "${path.join(dir, 'client')}"
  moduleFormat = "esm"
}

generator pothos {
  provider          = "node ${pothos}"
  clientOutput      = "./client/client.ts"
  output            = "${path.join(dir, 'pothos-types.ts')}"
  generateDatamodel = true
  documentation     = true
}
`;
}

/**
 * Generates Prisma Client and Pothos types for `schema` into
 * `<cacheDir>/client/<hash>`, unless that folder is already complete. No
 * engine is downloaded: generation needs only WebAssembly shipped in npm.
 */
export async function generateClient(schema: PreparedSchema, cacheDir: string): Promise<GeneratedClient> {
  const dir = path.join(cacheDir, 'client', schema.hash);
  const out: GeneratedClient = {
    dir,
    schemaFile: path.join(dir, 'schema.prisma'),
    clientEntry: path.join(dir, 'client', 'client.ts'),
    pothosEntry: path.join(dir, 'pothos-types.ts'),
  };
  const marker = path.join(dir, '.complete');
  if (existsSync(marker)) return out;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(out.schemaFile, schema.content + generatorsFor(dir));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  const cli = require.resolve('prisma/build/index.js');
  try {
    await run(process.execPath, [cli, 'generate', '--schema', out.schemaFile], {
      cwd: dir,
      // The CLI only checks that a schema engine file exists; generation does not run it.
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CI: '1' },
    });
  } catch (error) {
    const detail = (error as { stderr?: string; stdout?: string }).stderr || (error as Error).message;
    throw new Error(`prisma generate failed for ${schema.source}:\n${detail}`);
  }
  writeFileSync(marker, new Date().toISOString());
  return out;
}
