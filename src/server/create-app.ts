import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { type Auth, type CreateAuthOptions, createAuth } from '../auth/create-auth.ts';
import type { Config } from '../base/config.ts';
import { type Database, openDatabase } from '../engine/db.ts';
import { generateClient } from '../engine/generate-client.ts';
import { prepareConfigured } from './prepare-app-schema.ts';
import { buildSchema } from '../schema/build-schema.ts';
import { type Datamodel, readDatamodel } from '../base/datamodel.ts';
import { createStrataYoga, type StrataYoga } from './create-yoga.ts';
import { applyOperationRules } from '../permissions/shield.ts';
import type { Policy } from '../permissions/policy.ts';
import { loadPolicy } from './load-policy.ts';
import { createRealtime, type ReadFilter, type Realtime } from '../realtime/create-realtime.ts';
import { createLogger } from './logger.ts';
import { createFunctions, type Functions } from '../functions/create-functions.ts';
import { loadAppLogic } from '../functions/load-app-logic.ts';
import { createStorage, type Storage } from '../storage/create-storage.ts';
import { type Backups, createBackups } from '../backup/create-backups.ts';
import { enableMetrics, metrics } from '../metrics/metrics.ts';
import { isTracing, startTracing } from '../metrics/tracing.ts';
import { loadSyncRules } from '../sync/load-sync-rules.ts';

/** A running Strata application: the API, its database, and how to stop it. */
export interface App {
  config: Config;
  yoga: StrataYoga;
  schema: GraphQLSchema;
  datamodel: Datamodel;
  db: Database;
  log: Logger;
  /** Sessions, viewer resolution (`auth.resolveViewer` for websockets), mail outbox. */
  auth: Auth;
  /** Change sink and subscriptions (in process, or over Redis with `REDIS_URL`). */
  realtime: Realtime;
  /** Hooks, custom resolvers, triggers (outbox and delivery worker), schedules, HTTP functions and REST. */
  functions: Functions;
  /** File storage (S3), null when the schema has no file model or no S3 is configured. */
  storage: Storage | null;
  /** Automatic backups (`STRATA_BACKUP_SCHEDULE`); `strata start`/`dev` call `backups.start()`. */
  backups: Backups;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** Access policy to use instead of the app's rules (tests of the raw API). */
  policy?: Policy;
  log?: Logger;
  /** Count statements and keep their SQL in `app.db.statements` (tests, benchmarks). @default false */
  recordStatements?: boolean;
  /** Replacements for auth's clock, mailer, rate limiter or mail texts (tests, custom transports). */
  auth?: Pick<CreateAuthOptions, 'clock' | 'mailer' | 'rateLimiter' | 'mails'>;
  /** Test seam: an extra row filter subscriptions apply on top of the read rules. @default none */
  realtimeReadFilter?: ReadFilter;
  /** Test seam: the clock storage signs URLs and sweeps with. @default the system clock */
  storageClock?: () => Date;
}

/**
 * Builds the app for `config.schemaPath`: prepares the schema, generates its
 * Prisma client (cached by content hash), connects, and builds the API.
 * Pushing the schema to the database is the caller's choice (`strata dev`).
 */
export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config);
  if (config.monitoring.metrics) enableMetrics();
  startTracing(config.monitoring);
  const prepared = prepareConfigured(config);
  const generated = await generateClient(prepared, config.cacheDir);
  const db = await openDatabase({
    clientEntry: generated.clientEntry,
    databaseUrl: config.databaseUrl,
    poolSize: config.poolSize,
    preparedStatements: config.preparedStatements,
    log,
    recordStatements: options.recordStatements,
    instrument: config.monitoring.metrics || isTracing(),
  });
  const datamodel = readDatamodel(prepared.content, prepared.provider);
  const policy = options.policy ?? (await loadPolicy(config, datamodel));
  let storage: Storage | null;
  try {
    storage = createStorage({ config: config.storage, mode: config.mode, datamodel, prisma: db.prisma, log, now: options.storageClock });
  } catch (error) {
    await db.close();
    throw error;
  }
  const syncRules = await loadSyncRules(config).catch(async (error) => {
    await db.close();
    throw error;
  });
  const logic = await loadAppLogic(config, datamodel).catch(async (error) => {
    await db.close();
    throw error;
  });
  let auth: Auth;
  try {
    auth = createAuth({ config, prisma: db.prisma, datamodel, log, ...options.auth });
  } catch (error) {
    await db.close();
    throw error;
  }
  // Realtime is created below; functions reach it only at run time.
  const functions = createFunctions({
    config,
    logic,
    prisma: db.prisma,
    log,
    changes: () => realtime,
    viewerFor: (request, server) => auth.viewerForRequest(request, server),
    services: () => ({ storage: storage ?? undefined }),
  });
  const schema = applyOperationRules(
    buildSchema({ datamodel, limits: config.limits, dbNull: db.Prisma.DbNull, policy, auth, hooks: functions.hooks, extend: (gen) => (functions.extend(gen), auth.writes.attach(gen, () => realtime)), storage, sync: { rules: syncRules, retentionMs: config.sync.retentionSeconds * 1000 } }),
  );
  const realtime = await createRealtime({
    config: config.realtime,
    log,
    readFilter: options.realtimeReadFilter,
    decimal: (text) => new db.Prisma.Decimal(text),
  });
  const yoga = createStrataYoga({ config, schema, prisma: db.prisma, log, auth, realtime, functions, storage });
  const unwatch = metrics.gauge('strata_subscriptions_active', () => realtime.feed.stats().subscriptions);
  const backups = await createBackups(config, db.prisma, log);
  const close = async () => {
    unwatch();
    await backups.close();
    await functions.stop();
    await realtime.close();
    await auth.close();
    await storage?.close();
    await db.close();
  };
  return { config, yoga, schema, datamodel, db, log, auth, realtime, functions, storage, backups, close };
}
