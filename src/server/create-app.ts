import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { isAdmin } from '../base/viewer.ts';
import { createReadEngine } from '../reads/create-read-engine.ts';
import type { Generator } from '../schema/generator.ts';
import { createReadLane } from './read-lane/create-read-lane.ts';
import { LaneDocuments } from './read-lane/lane-documents.ts';
import { createRequestLimits } from './request-limits.ts';
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
import { subscriptionsExtension } from '../realtime/schema/define-subscriptions.ts';
import { authSchemaExtension } from '../auth/schema/define-auth-schema.ts';
import { fileSchemaExtension } from '../storage/schema/define-file-schema.ts';
import { withResources } from './resources.ts';
import { createLogger } from './logger.ts';
import { createFunctions, type Functions } from '../functions/create-functions.ts';
import { loadAppLogic } from '../functions/load-app-logic.ts';
import { createStorage, type Storage } from '../storage/create-storage.ts';
import { type Backups, createBackups } from '../backup/create-backups.ts';
import { enableMetrics, metrics } from '../metrics/metrics.ts';
import { isTracing, startTracing } from '../metrics/tracing.ts';
import { createSync } from '../sync/create-sync.ts';
import { syncExtension } from '../sync/define-sync-schema.ts';
import { loadSyncRules } from './load-sync-rules.ts';

/** A running Strata application: the API, its database, and how to stop it. */
export interface App {
  config: Config;
  yoga: StrataYoga;
  /** Node's request listener for the app: the read lane in front of yoga (see src/server/read-lane). */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
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

/**
 * The steps that open or build a part, in the order createApp runs them.
 * Replaceable one by one through {@link CreateAppOptions.steps} (tests make
 * each one fail in turn and check that the parts opened before are closed).
 */
export const appSteps = {
  openDatabase,
  createStorage,
  loadAppLogic,
  createAuth,
  createRealtime,
  createFunctions,
  loadPolicy,
  buildSchema,
  createStrataYoga,
  createBackups,
};

export type AppSteps = typeof appSteps;

export interface CreateAppOptions {
  /** Access policy to use instead of the app's rules (tests of the raw API); managed fields are the rules' too. */
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
  /** Test seam: replacements for some of the {@link appSteps}. @default none */
  steps?: Partial<AppSteps>;
}

/**
 * Builds the app for `config.schemaPath`: prepares the schema, generates its
 * Prisma client (cached by content hash), connects, and builds every part in
 * dependency order. Each part opened registers its close; if a later step
 * fails, the parts opened so far are closed, newest first, and the error is
 * rethrown (a failed reload in `strata dev` leaves nothing open). Pushing the
 * schema to the database is the caller's choice (`strata dev`).
 */
export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const step: AppSteps = { ...appSteps, ...options.steps };
  const log = options.log ?? createLogger(config);
  if (config.monitoring.metrics) enableMetrics();
  startTracing(config.monitoring);
  const prepared = prepareConfigured(config);
  const generated = await generateClient(prepared, config.cacheDir);
  const datamodel = readDatamodel(prepared.content, prepared.provider);
  return withResources(async (resources) => {
    const db = await step.openDatabase({
      clientEntry: generated.clientEntry,
      databaseUrl: config.databaseUrl,
      poolSize: config.poolSize,
      preparedStatements: config.preparedStatements,
      log,
      recordStatements: options.recordStatements,
      instrument: config.monitoring.metrics || isTracing(),
    });
    resources.add(db, () => db.close());
    const storage = step.createStorage({ config: config.storage, mode: config.mode, datamodel, prisma: db.prisma, log, now: options.storageClock });
    resources.add(storage, () => storage?.close());
    const logic = await step.loadAppLogic(config, datamodel);
    const sync = createSync(datamodel, { rules: await loadSyncRules(config), retentionMs: config.sync.retentionSeconds * 1000 });
    const auth = step.createAuth({ config, prisma: db.prisma, datamodel, log, ...options.auth });
    resources.add(auth, () => auth.close());
    const realtime = await step.createRealtime({
      config: config.realtime,
      log,
      readFilter: options.realtimeReadFilter,
      decimal: (text) => new db.Prisma.Decimal(text),
    });
    resources.add(realtime, () => realtime.close());
    resources.add(null, metrics.gauge('strata_subscriptions_active', () => realtime.feed.stats().subscriptions));
    // Kept sessions carry their user's role and email: a change to a user row, here or on another instance, forgets them.
    const unlisten = realtime.hub.listen((batch) => auth.forgetChangedUsers(batch.events));
    resources.add(null, async () => void unlisten());
    const functions = step.createFunctions({
      config,
      logic,
      prisma: db.prisma,
      log,
      changes: realtime,
      viewerFor: (request, server) => auth.viewerForRequest(request, server),
      services: { storage: storage ?? undefined },
    });
    resources.add(functions, () => functions.stop());
    // The order of the list is the order of the printed types (schema.graphql).
    const extensions = [
      subscriptionsExtension,
      authSchemaExtension({ auth, userModel: config.auth.userModel, changes: realtime }),
      fileSchemaExtension(storage),
      ...(sync ? [syncExtension(sync)] : []),
      functions.extension,
    ];
    const policy = options.policy ?? (await step.loadPolicy(config, datamodel, extensions));
    const schema = applyOperationRules(step.buildSchema({ datamodel, limits: config.limits, dbNull: db.Prisma.DbNull, policy, hooks: sync ? sync.hooks(functions.hooks) : functions.hooks, extensions }));
    const limits = createRequestLimits({ config: config.rateLimit, limiter: auth.throttle.limiter, trustedProxies: config.auth.trustedProxies, adminSecret: config.auth.adminSecret });
    const generator = schema.extensions?.strataGenerator as Generator | undefined;
    const engine = config.readEngine === 'compiled' && generator ? createReadEngine(generator, { isAdmin: (ctx) => isAdmin(ctx.viewer), readRows: db.readRows }) : null;
    const documents = engine ? new LaneDocuments() : null;
    const yoga = step.createStrataYoga({ config, schema, prisma: db.prisma, log, auth, realtime, functions, storage, limits, reads: engine && { engine, documents } });
    const handle = engine && documents
      ? createReadLane({ config, schema, engine, documents, prisma: db.prisma, log, changes: realtime, auth, limits }, yoga)
      : (req: IncomingMessage, res: ServerResponse) => void yoga(req, res);
    const backups = await step.createBackups(config, db.prisma, log);
    resources.add(backups, () => backups.close());
    return { config, yoga, handle, schema, datamodel, db, log, auth, realtime, functions, storage, backups, close: () => resources.close() };
  });
}
