import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type Config, providerOf } from '../base/config.ts';
import { sqliteFile } from '../engine/sqlite-file.ts';
import { FILTERS, openMigrationEngine } from '../engine/migration-engine.ts';
import { migrateDeploy, pushSchema, readMigrations } from '../engine/migrations.ts';
import { prepareConfigured } from '../server/prepare-app-schema.ts';
import type { CliValues } from './main.ts';
import { migrationsDirOf } from './migrate.ts';
import { seedCommand, seedFileOf } from './seed.ts';

/**
 * `strata reset`: empties the database (every table, all data), then applies
 * the migrations of `<schema folder>/migrations` (or, with none, pushes the
 * schema as `strata dev` does) and runs `prisma/seed.ts` when there is one.
 * `--empty` stops after erasing (before a first `strata migrate dev` on a
 * database `strata dev` pushed to), `--skip-seed` before the seed. Refused in
 * production unless `--force`.
 */
export async function resetCommand(config: Config, values: CliValues): Promise<number> {
  if (config.mode === 'production' && !values.force) {
    console.error('strata reset: refusing to erase a production database (STRATA_ENV=production); add --force if you mean it');
    return 1;
  }
  const schema = prepareConfigured(config);
  if (providerOf(config.databaseUrl) === 'sqlite') {
    // The WebAssembly engine cannot delete a SQLite file (its reset leaves the tables): remove it and its journals.
    const file = sqliteFile(config.databaseUrl);
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
  } else {
    const handle = await openMigrationEngine(config.databaseUrl, { path: schema.source, content: schema.content });
    try {
      await handle.engine.reset({ filter: FILTERS });
    } finally {
      await handle.close();
    }
  }
  const where = config.databaseUrl.startsWith('file:') ? config.databaseUrl : 'the PostgreSQL database (DATABASE_URL)';
  console.log(`Reset ${where}: all tables dropped`);
  // Before a first `strata migrate dev`: nothing to re-create, the migration starts from empty.
  if (values.empty) return 0;
  const migrationsDir = migrationsDirOf(config.schemaPath);
  const hasMigrations = readMigrations(migrationsDir).migrationDirectories.length > 0;
  if (hasMigrations) {
    const { applied } = await migrateDeploy({ databaseUrl: config.databaseUrl, schema, migrationsDir });
    console.log(`Applied ${applied.length} migration(s) from ${path.relative(config.root, migrationsDir)}`);
  } else {
    await pushSchema({ databaseUrl: config.databaseUrl, schema });
    console.log(`No migrations: pushed the schema`);
  }
  if (values['skip-seed'] || !existsSync(seedFileOf(config.schemaPath))) return 0;
  return seedCommand(config);
}
