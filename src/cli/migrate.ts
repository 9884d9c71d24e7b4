import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../base/config.ts';
import { migrateDeploy, migrateDev, MigrationError, migrateStatus, type MigrateTarget } from '../engine/migrations.ts';
import { prepareConfigured } from '../server/prepare-app-schema.ts';

const usage = `Usage: strata migrate <command>

  dev --name <name> [--accept-data-loss]
          apply pending migrations, then create and apply one for the schema's changes
  deploy  apply pending migrations (production, CI)
  status  list applied and pending migrations; exit 1 unless up to date`;

/** The migrations folder beside the schema file, or inside the schema folder. */
export function migrationsDirOf(schemaPath: string): string {
  const isFolder = statSync(schemaPath, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return path.join(isFolder ? schemaPath : path.dirname(schemaPath), 'migrations');
}

const list = (names: string[]) => names.map((n) => `  ${n}`).join('\n');

/**
 * `strata migrate dev|deploy|status`: Prisma-compatible migrations in
 * `<schema dir>/migrations`, run by the WebAssembly schema engine. Returns the
 * exit code: 0 on success, 1 on failure (or, for `status`, when migrations
 * are pending, failed or diverge), 2 on bad usage.
 */
export async function migrateCommand(args: string[], config: Config): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { name: { type: 'string' }, 'accept-data-loss': { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const [command, ...extra] = parsed.positionals;
  if (!['dev', 'deploy', 'status'].includes(command ?? '') || extra.length > 0 || (command === 'dev' && !parsed.values.name)) {
    console.error(usage);
    return 2;
  }
  const migrationsDir = migrationsDirOf(config.schemaPath);
  const shown = path.relative(config.root, migrationsDir) || '.';
  try {
    // Prepared as the server prepares it, auth tables included, so migrations match what it queries.
    const schema = prepareConfigured(config);
    const target: MigrateTarget = { databaseUrl: config.databaseUrl, schema, migrationsDir };
    if (command === 'dev') {
      const out = await migrateDev({ ...target, name: parsed.values.name!, acceptDataLoss: parsed.values['accept-data-loss'] });
      const earlier = out.created ? out.applied.slice(0, -1) : out.applied;
      if (earlier.length) console.log(`Applied pending migrations:\n${list(earlier)}`);
      if (out.warnings.length) console.log(`Accepted data loss:\n${list(out.warnings)}`);
      console.log(out.created ? `Created and applied ${path.join(shown, out.created, 'migration.sql')}` : 'Already in sync, no migration created.');
      return 0;
    }
    if (command === 'deploy') {
      const { applied } = await migrateDeploy(target);
      console.log(applied.length ? `Applied ${applied.length} migration(s) from ${shown}:\n${list(applied)}` : `No pending migrations in ${shown}.`);
      return 0;
    }
    const status = await migrateStatus(target);
    console.log(status.summary);
    return status.upToDate ? 0 : 1;
  } catch (error) {
    const prefix = error instanceof MigrationError ? '' : 'Error: ';
    console.error(`strata migrate ${command}: ${prefix}${(error as Error).message}`);
    return 1;
  }
}
