import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ADMIN_SECRET_HEADER } from '../auth/admin-secret.ts';
import { hashPassword } from '../auth/passwords/passwords.ts';
import type { Config } from '../base/config.ts';
import { pushSchema, readMigrations } from '../engine/migrations.ts';
import { createApp } from '../server/create-app.ts';
import { prepareConfigured } from '../server/prepare-app-schema.ts';
import { createLogger } from '../server/logger.ts';
import type { Seed, SeedContext } from './define-seed.ts';
import { migrationsDirOf } from './migrate.ts';

/** `<schema folder>/seed.ts`: `prisma/seed.ts` for `prisma/schema.prisma`. */
export function seedFileOf(schemaPath: string): string {
  const isFolder = statSync(schemaPath, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return path.join(isFolder ? schemaPath : path.dirname(schemaPath), 'seed.ts');
}

/**
 * `strata seed`: runs the default export of `prisma/seed.ts` (made with
 * `defineSeed`) against the configured database, with the app's Prisma
 * client and an admin GraphQL entry point. Without migrations the schema is
 * pushed first, as `strata dev` does. Returns the exit code.
 */
export async function seedCommand(config: Config): Promise<number> {
  const file = seedFileOf(config.schemaPath);
  if (!existsSync(file)) {
    console.error(`strata seed: no seed file at ${path.relative(process.cwd(), file) || file} (export default defineSeed(async ({ prisma, graphql }) => { ... }))`);
    return 1;
  }
  const seed = (await import(pathToFileURL(file).href)).default as Seed;
  if (typeof seed !== 'function') {
    console.error(`strata seed: ${file} must export default defineSeed(async (context) => { ... })`);
    return 1;
  }
  // Like `strata dev`, a project without migrations gets the schema pushed first (never losing data).
  if (readMigrations(migrationsDirOf(config.schemaPath)).migrationDirectories.length === 0) {
    await pushSchema({ databaseUrl: config.databaseUrl, schema: prepareConfigured(config) });
  }
  // A secret for this process only: the seed's GraphQL calls run as admin, nothing outside can use it.
  const secret = randomBytes(32).toString('base64url');
  const log = createLogger(config);
  const app = await createApp({ ...config, auth: { ...config.auth, adminSecret: secret } }, { log });
  try {
    const context: SeedContext = {
      prisma: app.db.prisma,
      log,
      hashPassword,
      async graphql(query, variables) {
        const response = await app.yoga.fetch(`http://localhost${config.graphqlPath}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [ADMIN_SECRET_HEADER]: secret },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
        if (body.errors?.length) throw new Error(`seed GraphQL failed: ${body.errors.map((e) => e.message).join('; ')}`);
        return body.data;
      },
    };
    try {
      await seed(context);
    } catch (error) {
      // P2021: a table is missing, the database is behind the migrations.
      if ((error as { code?: string }).code === 'P2021') throw new Error(`${(error as Error).message}\nApply the migrations first: strata migrate deploy (or strata migrate dev)`);
      throw error;
    }
  } finally {
    await app.close();
  }
  console.log(`Seeded from ${path.relative(process.cwd(), file) || file}`);
  return 0;
}
