import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '../base/config.ts';
import { checkCommand } from './check.ts';
import { devCommand } from './dev.ts';
import { generateCommand } from './generate.ts';
import { startCommand } from './start.ts';

const usage = `Usage: strata <command> [options]

Commands:
  dev       [--schema <file>] [--port <n>] [--accept-data-loss]
            generate, push the schema, serve on 127.0.0.1, watch and reload
  start     [--port <n>] [--migrate]   serve in production (no watch, no push)
  generate  [--schema <file>] [--sdl <file>]   Prisma client, Pothos types, schema.graphql
  check     [--schema <file>] [--sdl <file>]   exit 1 when schema.graphql is out of date
  migrate   dev --name <name> | deploy | status
  backup    [--to <file>] | list   back the database up to the S3 bucket (or a file) / list good backups
  restore   <name | file> [--force]   restore a backup; refuses a database holding data without --force
  init      <folder>                   a new project from the starter (schema, rules, hooks, seed)
  seed                                 run prisma/seed.ts (defineSeed) against the database
  reset     [--skip-seed] [--empty] [--force]
            erase the database, re-apply migrations (or push the schema), seed
  promote   <email>                    give a user the role ADMIN

Environment: DATABASE_URL (default: SQLite file in .strata/), PORT, LOG_LEVEL, STRATA_ENV...`;

const options = {
  schema: { type: 'string' },
  port: { type: 'string' },
  sdl: { type: 'string' },
  name: { type: 'string' },
  migrate: { type: 'boolean' },
  'accept-data-loss': { type: 'boolean' },
  to: { type: 'string' },
  force: { type: 'boolean' },
  'skip-seed': { type: 'boolean' },
  empty: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type CliValues = { [K in keyof typeof options]?: (typeof options)[K]['type'] extends 'string' ? string : boolean };

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  const values = parsed.values as CliValues;
  if (!command || values.help) {
    console.log(usage);
    return command ? 0 : 2;
  }
  if (command === 'init') {
    const { initCommand } = await import('./init.ts');
    return initCommand(rest[0]);
  }
  let config: Config;
  try {
    const env = { ...process.env };
    if (values.schema) env.STRATA_SCHEMA = values.schema;
    if (values.port) env.PORT = values.port;
    if (command === 'start') env.STRATA_ENV ??= 'production';
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  try {
    switch (command) {
      case 'dev':
        return await devCommand(config, values);
      case 'start':
        return await startCommand(config, values);
      case 'generate':
        return await generateCommand(config, values);
      case 'check':
        return await checkCommand(config, values);
      case 'migrate': {
        const { migrateCommand } = await import('./migrate.ts');
        return await migrateCommand([...rest, ...(values.name ? ['--name', values.name] : []), ...(values['accept-data-loss'] ? ['--accept-data-loss'] : [])], config);
      }
      case 'backup': {
        const { backupCommand } = await import('./backup.ts');
        return await backupCommand(rest, config, values);
      }
      case 'restore': {
        const { restoreCommand } = await import('./backup.ts');
        return await restoreCommand(rest, config, values);
      }
      case 'seed': {
        const { seedCommand } = await import('./seed.ts');
        return await seedCommand(config);
      }
      case 'reset': {
        const { resetCommand } = await import('./reset.ts');
        return await resetCommand(config, values);
      }
      case 'promote': {
        const { promoteCommand } = await import('./promote.ts');
        return await promoteCommand(config, rest[0]);
      }
      default:
        console.error(`Unknown command "${command}"\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    console.error(`strata ${command}: ${(error as Error).message}`);
    return 1;
  }
}
