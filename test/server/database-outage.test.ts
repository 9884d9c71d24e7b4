import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/base/config.ts';
import { isDatabaseUnavailable, toClientError } from '../../src/base/errors.ts';
import { pushSchema } from '../../src/engine/migrations.ts';
import { allowAll } from '../../src/permissions/policy.ts';
import { type App, createApp } from '../../src/server/create-app.ts';
import { createLogger } from '../../src/server/logger.ts';
import { prepareConfigured } from '../../src/server/prepare-app-schema.ts';
import { findPgBinaries, type PgCluster, startPgCluster } from '../support/pg-cluster.ts';

const bins = findPgBinaries('STRATA_TEST_PG_BIN');

describe.skipIf(!bins)('a PostgreSQL outage', () => {
  let cluster: PgCluster;
  let app: App;
  const logs: string[] = [];
  const post = (query: string) =>
    Promise.resolve(
      app.yoga.fetch('http://127.0.0.1/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }),
    );
  const pgCtl = (args: string[]) => cluster.exec('pg_ctl', [...args, '-D', cluster.dataDir, '-s'], { timeoutMs: 60_000 });

  beforeAll(async () => {
    cluster = await startPgCluster({ binDir: bins!.binDir, dirPrefix: 'strata-outage-' });
    const config = loadConfig({ STRATA_ENV: 'test', DATABASE_URL: cluster.url, LOG_LEVEL: 'warn' });
    await pushSchema({ databaseUrl: config.databaseUrl, schema: prepareConfigured(config), force: true });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    app = await createApp(config, { policy: allowAll, log: createLogger(config, sink) });
  });
  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After while the server is down, and 200 again once it is back, without a restart', async () => {
    const before = await post('{ postsCount }');
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({ data: { postsCount: 0 } });

    await pgCtl(['stop', '-m', 'immediate']);
    for (const query of ['{ postsCount }', 'mutation { createUser(data: { email: "x@example.com" }) { id } }']) {
      const down = await post(query);
      const body = await down.json();
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: expect.any(Number) });
      expect(body.errors[0].extensions.http).toBeUndefined();
      expect(down.status).toBe(503);
      expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect((await app.yoga.fetch('http://127.0.0.1/readyz')).status).toBe(503);

    await pgCtl(['start', '-w', '-l', path.join(cluster.dataDir, '..', 'restart.log')]);
    const after = await post('{ postsCount }');
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ data: { postsCount: 0 } });
  });
});

describe('which errors count as a database outage', () => {
  const prisma = (code: string, cause?: unknown) => Object.assign(new Error('x'), { name: 'PrismaClientKnownRequestError', code, meta: cause ? { driverAdapterError: { cause } } : {} });
  it.each([
    ['Prisma: cannot reach the server', prisma('P1001', { kind: 'DatabaseNotReachable' })],
    ['Prisma: connection closed', prisma('P1017')],
    ['Prisma: pool timeout', prisma('P2024')],
    ['Prisma: SQLite busy (reported as a socket timeout)', prisma('P1008', { kind: 'SocketTimeout' })],
    ['PostgreSQL: connection terminated by an administrator', prisma('P2010', { kind: 'postgres', code: '57P01' })],
    ['PostgreSQL: the server is starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03', severity: 'FATAL' })],
    ['PostgreSQL: too many connections', prisma('P2037', { kind: 'TooManyConnections' })],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg-pool: connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a socket error under a cause', new Error('query failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) })],
  ])('%s → 503 SERVICE_UNAVAILABLE', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(toClientError(error).extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: { 'retry-after': '5' } } });
  });

  it.each([
    ['a unique violation', prisma('P2002')],
    ['a missing row', prisma('P2025')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a syntax error in SQL', prisma('P2010', { kind: 'postgres', code: '42601' })],
  ])('%s is not an outage', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(toClientError(error).extensions.code).not.toBe('SERVICE_UNAVAILABLE');
  });
});
