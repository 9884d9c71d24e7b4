import { existsSync } from 'node:fs';
import path from 'node:path';
import { type AuthConfig, readAuthConfig } from './config/auth-config.ts';
import { type FunctionsConfig, readFunctionsConfig } from './config/functions-config.ts';
import { type BackupConfig, type MonitoringConfig, readBackupConfig, readMonitoringConfig } from './config/ops-config.ts';
import { createReaders, type Env, type Mode } from './config/readers.ts';
import { type RateLimitConfig, readRateLimitConfig } from './config/rate-limit-config.ts';
import { type RealtimeConfig, readRealtimeConfig } from './config/realtime-config.ts';
import { type SyncConfig, readSyncConfig } from './config/sync-config.ts';
import { readStorageConfig, type StorageConfig } from './config/storage-config.ts';
import { readTransportConfig, type TransportConfig } from './config/transport-config.ts';

export type { AuthConfig, OAuthClientConfig } from './config/auth-config.ts';
export type { FunctionsConfig } from './config/functions-config.ts';
export type { BackupConfig, MonitoringConfig } from './config/ops-config.ts';
export type { Mode } from './config/readers.ts';
export type { RateLimitConfig } from './config/rate-limit-config.ts';
export type { RealtimeConfig } from './config/realtime-config.ts';
export { defaultAllowedTypes, type StorageConfig } from './config/storage-config.ts';
export type { IntrospectionMode, TransportConfig } from './config/transport-config.ts';

/** Query limits applied to every operation (see `useQueryLimits`). */
export interface LimitsConfig {
  /** Deepest selection nesting allowed. @default 10 */
  maxDepth: number;
  /** Most aliases in one operation. @default 30 */
  maxAliases: number;
  /** Most tokens in one document. @default 5000 */
  maxTokens: number;
  /**
   * Highest cost of one operation: rows it may read at most, each list multiplying
   * its subtree by its `take`/`first`/`last` (or `maxTake` when absent; see `queryCost`).
   * @default 5 × maxTake³ (5,000,000): three nested lists at the default page size
   */
  maxCost: number;
  /** Largest `take`/`first`/`last` a list may ask for; also the default page size cap. @default 100 */
  maxTake: number;
  /** Largest GraphQL request body in bytes (multipart uploads have their own limits). @default 25000000 */
  maxRequestBytes: number;
  /** Longest string in an operation's arguments, variables included (SQLite refuses `contains` patterns over 50,000 bytes). @default 10000 */
  maxInputString: number;
  /** Longest list in an operation's arguments, variables included. @default 1000 */
  maxInputList: number;
  /** Deepest nesting of input objects and lists in one argument, at most 48. @default 32 */
  maxInputDepth: number;
  /** Most values (scalars, lists, objects) in all arguments of one operation. @default 50000 */
  maxInputValues: number;
}

/** The whole configuration, read once from the environment by {@link loadConfig}. */
export interface Config {
  mode: Mode;
  /** Root of the project (where `prisma/` and `app/` live). @default process.cwd() */
  root: string;
  /** Prisma schema file. @default `<root>/prisma/schema.prisma` */
  schemaPath: string;
  /** Database URL; a `file:` URL means SQLite. @default `file:<root>/.strata/dev.db` */
  databaseUrl: string;
  /** Interface the HTTP server binds to. @default 127.0.0.1 */
  host: string;
  /** Port of the HTTP server; 0 picks a free one. @default 4000 */
  port: number;
  /** GraphQL endpoint path. @default /graphql */
  graphqlPath: string;
  /** Serve GraphiQL. @default true outside production */
  graphiql: boolean;
  /** pino log level. @default info (silent in test) */
  logLevel: string;
  /** Connection pool size for PostgreSQL. @default 10 */
  poolSize: number;
  /**
   * Prepare PostgreSQL statements once per connection. Turn off behind a pooler
   * in transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
   * @default true
   */
  preparedStatements: boolean;
  /**
   * The read engine: `compiled` answers generated reads with one SQL statement
   * per root field (see src/reads); `off` sends every read through the general
   * executor.
   * @default compiled
   */
  readEngine: 'compiled' | 'off';
  /** Folder for generated clients and the embedded database. @default `<root>/.strata` */
  cacheDir: string;
  /**
   * The app's own code (rules.ts, hooks, functions).
   * @default `<root>/app` for the project's own schema; for another schema, the
   * `app` folder beside the schema's folder (`x/prisma/schema.prisma` → `x/app`) when it exists
   */
  appDir?: string;
  limits: LimitsConfig;
  auth: AuthConfig;
  realtime: RealtimeConfig;
  storage: StorageConfig;
  functions: FunctionsConfig;
  rateLimit: RateLimitConfig;
  transport: TransportConfig;
  backup: BackupConfig;
  monitoring: MonitoringConfig;
  sync: SyncConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `<folder of the schema's folder>/app` when it exists: `--schema x/prisma/schema.prisma` uses `x/app`. */
function appDirBeside(schemaPath: string): string | undefined {
  const schemaFolder = schemaPath.endsWith('.prisma') ? path.dirname(schemaPath) : schemaPath;
  const candidate = path.join(path.dirname(schemaFolder), 'app');
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * Reads and validates the configuration from `env`. Every bad variable is
 * reported at once in one {@link ConfigError}.
 */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];

  const rawMode = env.STRATA_ENV ?? env.NODE_ENV ?? 'development';
  let mode: Mode = 'development';
  if (rawMode === 'production' || rawMode === 'test' || rawMode === 'development') mode = rawMode;
  else problems.push(`STRATA_ENV must be development, production or test, got "${rawMode}"`);
  const readers = createReaders(env, mode, problems);
  const { int, bool } = readers;

  const root = path.resolve(overrides.root ?? env.STRATA_ROOT ?? process.cwd());
  const cacheDir = path.resolve(root, env.STRATA_CACHE_DIR ?? '.strata');
  const databaseUrl = env.DATABASE_URL || `file:${path.join(cacheDir, 'dev.db')}`;
  if (!/^(file:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)');
  }

  const host = env.HOST || '127.0.0.1';
  const port = int('PORT', 4000);
  const schemaPath = path.resolve(root, env.STRATA_SCHEMA ?? 'prisma/schema.prisma');
  const maxTake = int('STRATA_MAX_TAKE', 100, 1);
  if (env.STRATA_READ_ENGINE && !['compiled', 'off'].includes(env.STRATA_READ_ENGINE)) problems.push(`STRATA_READ_ENGINE must be compiled or off, got "${env.STRATA_READ_ENGINE}"`);
  const ownSchema = schemaPath === path.resolve(root, 'prisma/schema.prisma');
  const config: Config = {
    mode,
    root,
    schemaPath,
    appDir: env.STRATA_APP_DIR ? path.resolve(root, env.STRATA_APP_DIR) : ownSchema ? path.join(root, 'app') : appDirBeside(schemaPath),
    databaseUrl,
    host,
    port,
    graphqlPath: env.STRATA_GRAPHQL_PATH || '/graphql',
    graphiql: bool('STRATA_GRAPHIQL', mode !== 'production'),
    logLevel: env.LOG_LEVEL || (mode === 'test' ? 'silent' : 'info'),
    poolSize: int('DATABASE_POOL_SIZE', 10, 1),
    preparedStatements: bool('STRATA_PG_PREPARED_STATEMENTS', true),
    readEngine: env.STRATA_READ_ENGINE === 'off' ? 'off' : 'compiled',
    cacheDir,
    limits: {
      maxDepth: int('STRATA_MAX_DEPTH', 10, 1),
      maxAliases: int('STRATA_MAX_ALIASES', 30, 1),
      maxTokens: int('STRATA_MAX_TOKENS', 5000, 10),
      maxCost: int('STRATA_MAX_COST', 5 * maxTake ** 3, 1),
      maxTake,
      maxRequestBytes: int('STRATA_MAX_REQUEST_BYTES', 25_000_000, 1024),
      maxInputString: int('STRATA_MAX_INPUT_STRING', 10_000, 1),
      maxInputList: int('STRATA_MAX_INPUT_LIST', 1000, 1),
      maxInputDepth: int('STRATA_MAX_INPUT_DEPTH', 32, 2),
      maxInputValues: int('STRATA_MAX_INPUT_VALUES', 50_000, 1),
    },
    auth: readAuthConfig(readers, { host, port }),
    realtime: readRealtimeConfig(readers),
    storage: readStorageConfig(readers, cacheDir),
    functions: readFunctionsConfig(readers),
    rateLimit: readRateLimitConfig(readers),
    transport: readTransportConfig(readers),
    backup: readBackupConfig(readers),
    monitoring: readMonitoringConfig(readers),
    sync: readSyncConfig(readers),
    ...overrides,
  };
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "${config.logLevel}"`);
  }
  // Prisma's query engine refuses requests nested much deeper (about 60 levels of where) with an internal error.
  if (config.limits.maxInputDepth > 48) problems.push(`STRATA_MAX_INPUT_DEPTH must be at most 48 (Prisma refuses deeper queries), got ${config.limits.maxInputDepth}`);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The database family a URL points at. */
export function providerOf(databaseUrl: string): 'sqlite' | 'postgresql' {
  return databaseUrl.startsWith('file:') ? 'sqlite' : 'postgresql';
}
