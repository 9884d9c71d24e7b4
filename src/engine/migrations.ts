import type { MigrationList } from '@prisma/schema-engine-wasm';
import { assertNoDrift, evaluateDataLoss } from './migration-checks.ts';
import { MigrationError } from './migration-error.ts';
import { assertLockProvider, lockfileText, migrationFolderName, migrationSlug, readMigrations, writeMigration } from './migration-files.ts';
import { FILTERS, openMigrationEngine, schemaFiles } from './migration-engine.ts';
import type { MigrateTarget } from './migration-status.ts';
import type { PreparedSchema } from './prepare-schema.ts';

export { readMigrations } from './migration-files.ts';
export { MigrationError, type MigrationErrorCode } from './migration-error.ts';
export { migrateStatus, type MigrateTarget, type MigrationStatus } from './migration-status.ts';

/** Options of {@link migrateDev}. */
export interface MigrateDevOptions extends MigrateTarget {
  /** The migration's name: letters, digits, `_` and `-`; it becomes `<timestamp>_<snake_name>`. */
  name: string;
  /** Create and apply a migration even though it would lose data. @default false */
  acceptDataLoss?: boolean;
}

/** What {@link migrateDev} did. */
export interface MigrateDevResult {
  /** The new migration's folder name; absent when the schema was already in sync. */
  created?: string;
  /** Migrations applied by this call, oldest first (the new one last). */
  applied: string[];
  /** Data-loss warnings of the new migration (only when `acceptDataLoss` let it through). */
  warnings: string[];
  /** One line for people, e.g. "Already in sync". */
  message: string;
}

/**
 * Like `prisma migrate dev --name <name>`: applies pending migrations, refuses
 * a database that drifted from its migration history, then writes the SQL
 * from the existing migrations to `schema` as a new migration folder and
 * applies it. Writes nothing when the schema is already in sync, and refuses
 * (unless `acceptDataLoss`) a migration that would lose data.
 */
export async function migrateDev(options: MigrateDevOptions): Promise<MigrateDevResult> {
  const { databaseUrl, schema, migrationsDir } = options;
  const slug = migrationSlug(options.name);
  const list = readMigrations(migrationsDir);
  assertLockProvider(list, schema.provider);
  // The engine reads the provider of a migrations folder from its lockfile, which a first migration lacks.
  list.lockfile.content ??= lockfileText(schema.provider);
  const { applied, script } = await catchUp(databaseUrl, schema, list);
  if (!script) return { applied, warnings: [], message: 'Already in sync' };
  // Each step opens its own engine: once SQLite's engine has written, it holds the file locked until closed.
  const loss = await evaluateDataLoss(databaseUrl, schema);
  if (loss.unexecutable.length) {
    throw new MigrationError('UNEXECUTABLE', 'This migration cannot run on the current data; nothing was created:', loss.unexecutable);
  }
  if (loss.warnings.length && !options.acceptDataLoss) {
    throw new MigrationError('DATA_LOSS', 'This migration would lose data; nothing was created (run `strata migrate dev` again with --accept-data-loss to create it anyway):', loss.warnings);
  }
  const created = migrationFolderName(list, slug);
  writeMigration(list, created, script, schema.provider, loss.warnings);
  const more = await migrateDeploy({ databaseUrl, schema, migrationsDir });
  return { created, applied: [...applied, ...more.applied], warnings: loss.warnings, message: `Created and applied ${created}` };
}

/**
 * Checks the database for drift, applies its pending migrations, and returns
 * the SQL from the migration history to `schema` (no script when in sync).
 */
async function catchUp(databaseUrl: string, schema: PreparedSchema, list: MigrationList): Promise<{ applied: string[]; script?: string }> {
  const handle = await openMigrationEngine(databaseUrl, { path: schema.source, content: schema.content });
  try {
    await assertNoDrift(handle, databaseUrl, list);
    const { appliedMigrationNames } = await handle.engine.applyMigrations({ migrationsList: list, filters: FILTERS });
    const diff = await handle.engine.diff({
      from: { tag: 'migrations', ...list },
      to: { tag: 'schemaDatamodel', ...schemaFiles(schema) },
      script: true,
      exitCode: true,
      filters: FILTERS,
    });
    // exitCode 2 means the diff is not empty.
    return { applied: appliedMigrationNames, script: diff.exitCode === 2 && diff.stdout ? diff.stdout : undefined };
  } finally {
    await handle.close();
  }
}

/**
 * Like `prisma migrate deploy`: applies the migrations the database has not
 * applied yet, recording each in `_prisma_migrations`. Never creates one.
 */
export async function migrateDeploy({ databaseUrl, schema, migrationsDir }: MigrateTarget): Promise<{ applied: string[] }> {
  const list = readMigrations(migrationsDir);
  assertLockProvider(list, schema.provider);
  const handle = await openMigrationEngine(databaseUrl, { path: schema.source, content: schema.content });
  try {
    const out = await handle.engine.applyMigrations({ migrationsList: list, filters: FILTERS });
    return { applied: out.appliedMigrationNames };
  } finally {
    await handle.close();
  }
}

/** Options of {@link pushSchema}. */
export interface PushSchemaOptions {
  databaseUrl: string;
  schema: PreparedSchema;
  /** Apply even when the change loses data. @default false */
  force?: boolean;
}

/**
 * Makes the database match `schema` without migrations, like
 * `prisma db push` (used by `strata dev`). Throws, changing nothing, when the
 * change would lose data and `force` is not set, or cannot be executed at all.
 */
export async function pushSchema({ databaseUrl, schema, force = false }: PushSchemaOptions): Promise<{ executedSteps: number; warnings: string[] }> {
  const handle = await openMigrationEngine(databaseUrl, { path: schema.source, content: schema.content });
  try {
    const out = await handle.engine.schemaPush({ force, schema: schemaFiles(schema), filters: FILTERS });
    if (out.unexecutable.length) {
      throw new MigrationError('UNEXECUTABLE', 'The schema cannot be pushed to the current data; nothing was changed:', out.unexecutable);
    }
    if (out.warnings.length && !force) {
      throw new MigrationError('DATA_LOSS', 'Pushing the schema would lose data; nothing was changed (restart `strata dev` with --accept-data-loss to push it anyway):', out.warnings);
    }
    return { executedSteps: out.executedSteps, warnings: out.warnings };
  } finally {
    await handle.close();
  }
}
