import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { clientPreviewFeatures, type PreparedSchema } from './prepare-schema.ts';

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

/**
 * Links `<dir>/node_modules/@prisma/client` to the `@prisma/client` Strata
 * itself resolves. The generated client imports `@prisma/client/runtime/*`
 * from a folder inside the app (`.strata/client/<hash>`), where Node would
 * search the app's node_modules only: Strata installed from a path (a
 * symlink), run as `node <strata>/bin/strata.js`, or nested under
 * `node_modules/strata-graphql/node_modules` would not be found there.
 * Recreated when the target moved (a reinstall), so a cached client keeps working.
 */
function linkPrismaRuntime(dir: string): void {
  const link = path.join(dir, 'node_modules', '@prisma', 'client');
  const target = packageFile('@prisma/client', '');
  if (existsSync(path.join(link, 'package.json'))) return;
  rmSync(link, { recursive: true, force: true });
  mkdirSync(path.dirname(link), { recursive: true });
  try {
    // A junction on Windows needs no privilege; elsewhere the type is ignored.
    symlinkSync(target, link, 'junction');
  } catch (error) {
    // Another process (a test worker, a dev server) linked it first.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Strata's generators; outputs are relative to the schema file, so the folder can be renamed into place. */
function generators(): string {
  const pothos = packageFile('@pothos/plugin-prisma', 'bin/generator.js');
  return `
generator client {
  provider     = "prisma-client"
  output       = "./client"
  moduleFormat = "esm"
  previewFeatures = ${JSON.stringify(clientPreviewFeatures)}
}

generator pothos {
  provider          = "node ${pothos}"
  clientOutput      = "./client/client.ts"
  output            = "./pothos-types.ts"
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
  if (existsSync(marker)) {
    linkPrismaRuntime(dir);
    return out;
  }
  // Several processes (test workers, a dev server) may generate the same schema at once: each
  // builds in its own folder and renames it into place; the first rename wins.
  const work = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(work, { recursive: true });
  try {
    const schemaFile = path.join(work, 'schema.prisma');
    writeFileSync(schemaFile, schema.content + generators());
    writeFileSync(path.join(work, 'package.json'), '{ "type": "module", "private": true }\n');
    linkPrismaRuntime(work);
    const cli = require.resolve('prisma/build/index.js');
    try {
      await run(process.execPath, [cli, 'generate', '--schema', schemaFile], {
        cwd: work,
        // The CLI only checks that a schema engine file exists; generation does not run it.
        env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CI: '1' },
      });
    } catch (error) {
      const detail = (error as { stderr?: string; stdout?: string }).stderr || (error as Error).message;
      throw new Error(`prisma generate failed for ${schema.source}:\n${detail}`);
    }
    writeFileSync(path.join(work, '.complete'), new Date().toISOString());
    if (existsSync(dir) && !existsSync(marker)) rmSync(dir, { recursive: true, force: true }); // a crashed earlier run
    try {
      renameSync(work, dir);
    } catch (error) {
      if (!existsSync(marker)) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}
