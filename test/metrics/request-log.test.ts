import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import { loadConfig } from '../../src/base/config.ts';
import { pushSchema } from '../../src/engine/migrations.ts';
import { allowAll } from '../../src/permissions/policy.ts';
import { type App, createApp } from '../../src/server/create-app.ts';
import { createLogger } from '../../src/server/logger.ts';
import { prepareConfigured } from '../../src/server/prepare-app-schema.ts';
import { control, manualClock } from '../functions/support/control.ts';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases.ts';

const functionsApp = path.resolve(import.meta.dirname, '../functions/fixtures/app');
const admin: Viewer = { kind: 'user', id: 1, email: 'admin@example.com', role: 'ADMIN', sessionId: 's' };

describe.each(providers)('request log, production defaults and dead letters on %s', (provider) => {
  let database: TestDatabase;
  let app: App;
  const lines: Record<string, any>[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const config = loadConfig({ STRATA_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: database.url, STRATA_APP_DIR: functionsApp });
    await pushSchema({ databaseUrl: config.databaseUrl, schema: prepareConfigured(config), force: true });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean).map((l) => JSON.parse(l)));
        done();
      },
    });
    app = await createApp(config, { policy: allowAll, log: createLogger(config, sink) });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const gql = async (query: string, variables: Record<string, unknown> = {}, viewer?: Viewer, headers: Record<string, string> = {}) => {
    const response = await app.yoga.fetch('http://127.0.0.1/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) }, viewer ? { viewer } : {});
    return { status: response.status, body: (await response.json()) as any };
  };

  it('logs one info line per request with operation, duration, status and viewer kind, and no secrets', async () => {
    const from = lines.length;
    await gql('query Feed($secret: String) { posts(where: { title: { equals: $secret } }) { id } }', { secret: 'hunter2-variable' });
    await gql('mutation Bad { nope }');
    await gql('{ postsCount }', {}, undefined, { authorization: 'Bearer token-in-header' });
    // Health probes and successful scrapes are left out at info.
    await app.yoga.fetch('http://127.0.0.1/healthz');
    await app.yoga.fetch('http://127.0.0.1/metrics');
    const requests = lines.slice(from).filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({ level: 30, component: 'request', method: 'POST', path: '/graphql', operation: 'Feed', type: 'query', outcome: 'ok', status: 200, viewer: 'anonymous' });
    expect(requests[0]!.durationMs).toBeGreaterThan(0);
    expect(requests[1]).toMatchObject({ operation: 'Bad', outcome: 'GRAPHQL_VALIDATION_FAILED', viewer: null });
    expect(requests[2]).toMatchObject({ operation: null, outcome: 'UNAUTHENTICATED', status: 401 });
    expect(JSON.stringify(requests)).not.toMatch(/hunter2|token-in-header/);
  });

  it('serves no metrics endpoint in production unless configured, and refuses it there without a token', async () => {
    const base = { STRATA_ENV: 'production', DATABASE_URL: database.url, STRATA_ADMIN_SECRET: 'x'.repeat(40), STRATA_AUTH_SECRET: 'y'.repeat(40) };
    expect(loadConfig(base).monitoring.metrics).toBe(false);
    expect(loadConfig({ ...base, STRATA_METRICS_TOKEN: 'a-token-of-24-characters' }).monitoring.metrics).toBe(true);
    expect(loadConfig({ STRATA_ENV: 'development' }).monitoring.metrics).toBe(true);
    expect(() => loadConfig({ STRATA_METRICS_TOKEN: 'short' })).toThrow(/STRATA_METRICS_TOKEN must be at least 16/);
    // The test app has metrics on and no secret: outside production the endpoint is open on 127.0.0.1.
    expect((await app.yoga.fetch('http://127.0.0.1/metrics')).status).toBe(200);
  });

  it('lets an admin retry a dead letter and discard another, refusing others like a missing one', async () => {
    control.postChanges = () => {
      throw new Error('always fails');
    };
    const author = await app.db.prisma.user.create({ data: { email: `dl-${provider}@example.com` } });
    for (const slug of ['one', 'two']) expect((await gql('mutation($s: String!, $a: Int!) { createPost(data: { slug: $s, title: $s, authorId: $a }) { id } }', { s: slug, a: author.id })).body.errors).toBeUndefined();
    const clock = manualClock();
    const worker = app.functions.createWorker({ clock });
    for (let attempt = 0; attempt < 3; attempt += 1, clock.advance(60_000)) await worker.pollOnce();
    const listed = await gql('{ strataDeadLetters { id } }', {}, admin);
    const [first, second] = listed.body.data.strataDeadLetters.map((d: { id: string }) => d.id);
    expect(second).toBeDefined();

    const discard = 'mutation($id: String!) { strataDiscardDeadLetter(id: $id) { id attempts } }';
    const user: Viewer = { ...admin, role: 'USER' };
    expect((await gql(discard, { id: first }, user)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gql(discard, { id: first }, admin)).body.data.strataDiscardDeadLetter).toEqual({ id: first, attempts: 3 });
    expect((await gql(discard, { id: first }, admin)).body.errors[0].extensions.code).toBe('NOT_FOUND');
    control.postChanges = () => {};
    expect((await gql('mutation($id: String!) { strataRetryDeadLetter(id: $id) { id } }', { id: second }, admin)).body.errors).toBeUndefined();
    clock.advance(1000);
    expect(await worker.pollOnce()).toBe(1);
    expect(await app.functions.outbox.counts()).toMatchObject({ dead: 0, pending: 0 });
    expect((await gql('{ strataDeadLetters { id } }', {}, admin)).body.data.strataDeadLetters).toEqual([]);
  });
});
