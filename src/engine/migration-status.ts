import path from 'node:path';
import type { DiagnoseMigrationHistoryOutput, MigrationList } from '@prisma/schema-engine-wasm';
import { migrationNames, readMigrations } from './migration-files.ts';
import { FILTERS, openMigrationEngine, type MigrationEngineHandle } from './migration-engine.ts';
import type { PreparedSchema } from './prepare-schema.ts';
import { sqliteTableNames } from './sqlite-tables.ts';

/** Where migrations run: the shared options of the migrate functions. */
export interface MigrateTarget {
  databaseUrl: string;
  schema: PreparedSchema;
  /** The migrations folder, e.g. `prisma/migrations`. */
  migrationsDir: string;
}

/** What {@link migrateStatus} found. */
export interface MigrationStatus {
  /** Local migrations the database has applied, oldest first. */
  applied: string[];
  /** Local migrations the database has not applied yet. */
  pending: string[];
  /** The engine's own report. */
  diagnostic: DiagnoseMigrationHistoryOutput;
  /** True when nothing is pending, failed, edited or missing locally. */
  upToDate: boolean;
  /** A few lines for people. */
  summary: string;
}

/**
 * `diagnoseMigrationHistory`, also on a SQLite database without a
 * `_prisma_migrations` table (the engine fails there instead of reporting an
 * uninitialized history).
 */
export async function diagnoseHistory(handle: MigrationEngineHandle, databaseUrl: string, list: MigrationList): Promise<DiagnoseMigrationHistoryOutput> {
  if (databaseUrl.startsWith('file:') && !sqliteTableNames(databaseUrl).includes('_prisma_migrations')) {
    const names = migrationNames(list);
    return {
      editedMigrationNames: [],
      failedMigrationNames: [],
      hasMigrationsTable: false,
      history: names.length ? { diagnostic: 'databaseIsBehind', unappliedMigrationNames: names } : null,
    };
  }
  return handle.engine.diagnoseMigrationHistory({ migrationsList: list, optInToShadowDatabase: false, filters: FILTERS });
}

const bullets = (names: string[]) => names.map((n) => `  ${n}`).join('\n');

function summarize(list: MigrationList, d: DiagnoseMigrationHistoryOutput, pending: string[]): string {
  const count = list.migrationDirectories.length;
  const lines = [`${count} migration${count === 1 ? '' : 's'} found in ${path.relative(process.cwd(), list.baseDir) || '.'}`];
  const h = d.history;
  if (h?.diagnostic === 'historiesDiverge') {
    lines.push(`The local migration history and the database's differ (last common migration: ${h.lastCommonMigrationName ?? 'none'}).`);
  }
  if (pending.length) lines.push(`Not yet applied:\n${bullets(pending)}`);
  const unpersisted = h && h.diagnostic !== 'databaseIsBehind' ? h.unpersistedMigrationNames : [];
  if (unpersisted.length) lines.push(`Applied to the database but missing locally:\n${bullets(unpersisted)}`);
  if (d.failedMigrationNames.length) lines.push(`Failed:\n${bullets(d.failedMigrationNames)}`);
  if (d.editedMigrationNames.length) lines.push(`Modified after they were applied:\n${bullets(d.editedMigrationNames)}`);
  if (lines.length === 1) lines.push('Database schema is up to date.');
  return lines.join('\n');
}

/**
 * Compares the migrations folder with the database's `_prisma_migrations`
 * table, like `prisma migrate status`. Changes nothing.
 */
export async function migrateStatus({ databaseUrl, schema, migrationsDir }: MigrateTarget): Promise<MigrationStatus> {
  const list = readMigrations(migrationsDir);
  const handle = await openMigrationEngine(databaseUrl, { path: schema.source, content: schema.content });
  try {
    const diagnostic = await diagnoseHistory(handle, databaseUrl, list);
    const h = diagnostic.history;
    const pending = h && h.diagnostic !== 'migrationsDirectoryIsBehind' ? h.unappliedMigrationNames : [];
    const applied = migrationNames(list).filter((name) => !pending.includes(name));
    const upToDate = h === null && !diagnostic.failedMigrationNames.length && !diagnostic.editedMigrationNames.length;
    return { applied, pending, diagnostic, upToDate, summary: summarize(list, diagnostic, pending) };
  } finally {
    await handle.close();
  }
}
