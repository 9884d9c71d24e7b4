import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { type Config, providerOf } from '../config.ts';
import { type Database, openDatabase } from '../db.ts';
import { generateClient } from '../engine/generate-client.ts';
import { prepareSchema } from '../engine/prepare-schema.ts';
import { buildSchema } from '../schema/build-schema.ts';
import { type Datamodel, readDatamodel } from '../schema/dmmf.ts';
import { createStrataYoga, type StrataYoga } from './create-yoga.ts';
import { applyOperationRules } from '../permissions/shield.ts';
import type { Policy } from '../permissions/policy.ts';
import { loadPolicy } from './load-policy.ts';
import { createLogger } from './logger.ts';

/** A running Strata application: the API, its database, and how to stop it. */
export interface App {
  config: Config;
  yoga: StrataYoga;
  schema: GraphQLSchema;
  datamodel: Datamodel;
  db: Database;
  log: Logger;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** Access policy to use instead of the app's rules (tests of the raw API). */
  policy?: Policy;
  log?: Logger;
  /** Keep SQL text of statements (tests). @default false */
  recordStatements?: boolean;
}

/**
 * Builds the app for `config.schemaPath`: prepares the schema, generates its
 * Prisma client (cached by content hash), connects, and builds the API.
 * Pushing the schema to the database is the caller's choice (`strata dev`).
 */
export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config);
  const prepared = prepareSchema(config.schemaPath, providerOf(config.databaseUrl));
  const generated = await generateClient(prepared, config.cacheDir);
  const db = await openDatabase({
    clientEntry: generated.clientEntry,
    databaseUrl: config.databaseUrl,
    poolSize: config.poolSize,
    log,
    recordStatements: options.recordStatements,
  });
  const datamodel = readDatamodel(prepared.content, prepared.provider);
  const policy = options.policy ?? (await loadPolicy(config, datamodel));
  const schema = applyOperationRules(buildSchema({ datamodel, limits: config.limits, dbNull: db.Prisma.DbNull, policy }));
  const yoga = createStrataYoga({ config, schema, prisma: db.prisma, log });
  return { config, yoga, schema, datamodel, db, log, close: () => db.close() };
}
