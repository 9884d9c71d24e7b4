import type { MigrationList } from '@prisma/schema-engine-wasm';
import { MigrationError } from './migration-error.ts';
import { FILTERS, openMigrationEngine, schemaFiles, type MigrationEngineHandle } from './migration-engine.ts';
import type { PreparedSchema } from './prepare-schema.ts';
import { sqliteTableNames } from './sqlite-tables.ts';

const BASELINE_HINT = 'To adopt a database made without migrations, baseline it: https://pris.ly/d/migrate-baseline';

/** How to get out: a first migration after `strata dev` pushed needs an empty database; later ones a reset to the history. */
const resetHint = (list: MigrationList) =>
  list.migrationDirectories.length === 0
    ? 'No migrations yet: `strata dev` pushes the schema without them. To start the migration history, empty this development database ' +
      'with `strata reset --empty` (all its data is lost), run this again, then `strata seed`. ' + BASELINE_HINT
    : 'Reset the development database with `strata reset` (all its data is lost; it re-applies the migrations and runs the seed) and run this again, ' +
      'or first make the migrations explain the difference. ' + BASELINE_HINT;

/**
 * Throws a `DRIFT` {@link MigrationError} when the database holds schema its
 * migration history does not explain (e.g. it was made by a schema push), or
 * when applied migrations were edited or failed — what `prisma migrate dev`
 * would offer to fix by a reset.
 */
export async function assertNoDrift(handle: MigrationEngineHandle, databaseUrl: string, list: MigrationList): Promise<void> {
  if (databaseUrl.startsWith('file:')) {
    const tables = sqliteTableNames(databaseUrl);
    if (!tables.includes('_prisma_migrations')) {
      // The engine cannot diagnose a SQLite database without history; an empty one needs no diagnosis.
      if (tables.length === 0) return;
      throw new MigrationError('DRIFT', `Drift detected: the database has tables but no migration history, e.g. from a schema push.\n${resetHint(list)}`, tables);
    }
  }
  const { action } = await handle.engine.devDiagnostic({ migrationsList: list, filters: FILTERS });
  if (action.tag === 'reset') throw new MigrationError('DRIFT', `${action.reason.trim()}\n\n${resetHint(list)}`);
}

/**
 * What the change from the database's current schema to `schema` would lose
 * (`warnings`) or cannot do on its data (`unexecutable`), judged on the real
 * data as `prisma migrate dev` does. Runs a schema push on an engine that
 * cannot write: the engine's `evaluateDataLoss` needs a shadow database the
 * WebAssembly build does not accept there.
 */
export async function evaluateDataLoss(databaseUrl: string, schema: PreparedSchema): Promise<{ warnings: string[]; unexecutable: string[] }> {
  const handle = await openMigrationEngine(databaseUrl, { path: schema.source, content: schema.content }, { readOnly: true });
  try {
    const out = await handle.engine.schemaPush({ force: false, schema: schemaFiles(schema), filters: FILTERS });
    return { warnings: out.warnings, unexecutable: out.unexecutable };
  } catch (error) {
    // The push went on to write, so nothing held it back.
    if (handle.writeAttempted) return { warnings: [], unexecutable: [] };
    throw error;
  } finally {
    await handle.close();
  }
}
