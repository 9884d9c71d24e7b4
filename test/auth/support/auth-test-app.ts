import { Writable } from 'node:stream';
import type { DevOutbox } from '../../../src/auth/mail/dev-outbox.ts';
import { loadConfig } from '../../../src/base/config.ts';
import { prepareConfigured } from '../../../src/server/prepare-app-schema.ts';
import { pushSchema } from '../../../src/engine/migrations.ts';
import { type App, createApp } from '../../../src/server/create-app.ts';
import { createLogger } from '../../../src/server/logger.ts';
import { createTestDatabase, type Provider, type TestDatabase } from '../../support/databases.ts';
import type { GraphQLResponse } from '../../support/test-app.ts';
import { ManualClock } from './manual-clock.ts';

/** One HTTP exchange: status, parsed body, and the Set-Cookie headers. */
export interface Exchange<T = any> {
  status: number;
  headers: Headers;
  body: GraphQLResponse<T>;
  cookies: string[];
}

export interface AuthTestApp {
  app: App;
  prisma: App['db']['prisma'];
  clock: ManualClock;
  outbox: DevOutbox;
  /** Every log line the app wrote (level trace), as JSON text. */
  logs: string[];
  /** Any request to the app, from the TCP peer `peer` (as Node's server would report it). */
  fetch(path: string, init?: RequestInit, peer?: string): Promise<Response>;
  /** A GraphQL operation; `peer` is the client's TCP address. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: { headers?: Record<string, string>; peer?: string }): Promise<Exchange<T>>;
  close(): Promise<void>;
}

/**
 * Like `createTestApp`, plus what auth tests need: a manual clock injected
 * into auth, a client address per request (`req.socket.remoteAddress` as
 * Node's adapter passes it), access to Set-Cookie, and captured logs.
 */
export async function createAuthTestApp(provider: Provider, options: { env?: Record<string, string>; schemaPath?: string } = {}): Promise<AuthTestApp> {
  const database: TestDatabase = await createTestDatabase(provider);
  const config = loadConfig({
    STRATA_ENV: 'test',
    DATABASE_URL: database.url,
    LOG_LEVEL: 'trace',
    ...(options.schemaPath ? { STRATA_SCHEMA: options.schemaPath } : {}),
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const clock = new ManualClock();
  let app: App;
  try {
    await pushSchema({ databaseUrl: config.databaseUrl, schema: prepareConfigured(config), force: true });
    app = await createApp(config, { log: createLogger(config, sink), auth: { clock } });
  } catch (error) {
    await database.drop();
    throw Object.assign(error as Error, { logs });
  }
  const fetch = (path: string, init: RequestInit = {}, peer = '203.0.113.10') =>
    Promise.resolve(app.yoga.fetch(`http://127.0.0.1${path}`, init, { req: { socket: { remoteAddress: peer } } }));
  return {
    app,
    prisma: app.db.prisma,
    clock,
    outbox: app.auth.outbox!,
    logs,
    fetch,
    async gql(query, variables, { headers = {}, peer } = {}) {
      const response = await fetch(
        config.graphqlPath,
        { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) },
        peer,
      );
      return { status: response.status, headers: response.headers, body: await response.json(), cookies: response.headers.getSetCookie() };
    },
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
