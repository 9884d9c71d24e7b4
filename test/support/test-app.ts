import { loadConfig } from '../../src/base/config.ts';
import { prepareConfigured } from '../../src/server/prepare-app-schema.ts';
import { pushSchema } from '../../src/engine/migrations.ts';
import type { Viewer } from '../../src/base/viewer.ts';
import { allowAll } from '../../src/permissions/policy.ts';
import { type App, createApp } from '../../src/server/create-app.ts';
import { createTestDatabase, type Provider, type TestDatabase } from './databases.ts';

export interface GraphQLResponse<T = any> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions: { code?: string; [k: string]: unknown } }[];
}

/** A Strata app on a fresh database, driven in process through `yoga.fetch`. */
export interface TestApp {
  provider: Provider;
  app: App;
  database: TestDatabase;
  prisma: App['db']['prisma'];
  /** Runs one operation and returns the GraphQL response body. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** The same as `gql`, as `viewer` (passed in process, as the auth layer would resolve it). */
  as(viewer: Viewer): TestApp['gql'];
  /** Runs one operation; returns its response and the SQL statements it sent. */
  traced<T = any>(query: string, variables?: Record<string, unknown>): Promise<{ response: GraphQLResponse<T>; sql: string[] }>;
  /** Runs `fn` and returns how many SQL statements it issued. */
  countStatements(fn: () => Promise<unknown>): Promise<number>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Prisma schema to serve. @default the example app's */
  schemaPath?: string;
  /** Extra environment for the config (limits, mode...). */
  env?: Record<string, string>;
  /** Use the app's access rules; by default the raw API is open (tests of API mechanics). @default false */
  rules?: boolean;
}

/** Creates a database of `provider`, pushes the schema and starts the app on it. */
export async function createTestApp(provider: Provider, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(provider);
  const config = loadConfig({
    STRATA_ENV: 'test',
    DATABASE_URL: database.url,
    ...(options.schemaPath ? { STRATA_SCHEMA: options.schemaPath } : {}),
    ...options.env,
  });
  await pushSchema({ databaseUrl: config.databaseUrl, schema: prepareConfigured(config), force: true });
  const app = await createApp(config, { recordStatements: true, policy: options.rules ? undefined : allowAll });
  const run = (viewer?: Viewer) => async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) };
    const response = await app.yoga.fetch(`http://127.0.0.1${config.graphqlPath}`, init, viewer ? { viewer } : {});
    return response.json();
  };
  const gql = run();
  return {
    provider,
    app,
    database,
    prisma: app.db.prisma,
    gql,
    as: (viewer) => run(viewer),
    traced: async (query, variables) => {
      const from = app.db.statements.log.length;
      const response = await gql(query, variables);
      return { response, sql: app.db.statements.log.slice(from) };
    },
    countStatements: async (fn) => {
      const before = app.db.statements.count;
      await fn();
      return app.db.statements.count - before;
    },
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
