import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/base/config.ts';
import { attachWebSocket, type WebSocketEndpoint } from '../../src/server/ws/attach-websocket.ts';
import { allowAll } from '../../src/permissions/policy.ts';
import { type App, createApp } from '../../src/server/create-app.ts';
import { type Listening, listen } from '../../src/server/listen.ts';
import { prepareConfigured } from '../../src/server/prepare-app-schema.ts';
import { pushSchema } from '../../src/engine/migrations.ts';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases.ts';
import { within } from '../support/deferred.ts';
import { hasRedis, startRedis, type TestRedis } from '../support/redis-server.ts';
import { wsClient } from '../realtime/support/ws-client.ts';
import { bearer, registerUser } from '../auth/support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from '../auth/support/auth-test-app.ts';

const SECRET = 'a-rate-limit-test-admin-secret';
const limits = { STRATA_RATE_LIMIT: 'true', STRATA_RATE_LIMIT_PER_ADDRESS: '5', STRATA_RATE_LIMIT_PER_USER: '3', STRATA_ADMIN_SECRET: SECRET };
const COUNT = '{ postsCount }';

describe.each(providers)('API rate limits over HTTP on %s', (provider) => {
  let t: AuthTestApp;
  let n = 0;
  const nextPeer = () => `198.51.100.${++n}`;
  const gql = (peer: string, headers: Record<string, string> = {}) => t.gql(COUNT, {}, { peer, headers });
  const get = (path: string, peer: string) => t.fetch(path, { headers: { 'x-graphql-yoga-csrf': '1' } }, peer);

  beforeAll(async () => {
    t = await createAuthTestApp(provider, { env: limits });
  });
  afterAll(() => t?.close());

  it('refuses the 6th request of an address with 429 RATE_LIMITED, Retry-After and retryAfterSeconds', async () => {
    const peer = nextPeer();
    for (let i = 0; i < 5; i++) expect((await gql(peer)).body).toEqual({ data: { postsCount: 0 } });
    const refused = await gql(peer);
    expect(refused.status).toBe(429);
    expect(refused.body.errors).toEqual([{ message: 'Too many requests. Try again later.', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } }]);
    const wait = refused.body.errors![0].extensions.retryAfterSeconds as number;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(refused.headers.get('retry-after')).toBe(String(wait));
    // Another address is not affected.
    expect((await gql(nextPeer())).status).toBe(200);
  });

  it('counts GraphQL, /rest and /functions requests of an address together', async () => {
    const peer = nextPeer();
    await gql(peer);
    await gql(peer);
    expect((await get('/rest/posts-count', peer)).status).toBe(200);
    expect((await get('/functions/feed', peer)).status).toBe(200);
    expect((await get('/rest/posts-count', peer)).status).toBe(200);
    for (const path of ['/rest/posts-count', '/functions/feed', '/graphql?query={postsCount}']) {
      const refused = await get(path, peer);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await refused.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
    }
  });

  it('never counts health probes, the admin secret, or in-process calls', async () => {
    const peer = nextPeer();
    for (let i = 0; i < 6; i++) await gql(peer);
    expect((await gql(peer)).status).toBe(429);
    expect((await get('/healthz', peer)).status).toBe(200);
    expect((await get('/readyz', peer)).status).toBe(200);
    for (let i = 0; i < 8; i++) expect((await t.gql('{ usersCount }', {}, { peer, headers: { 'x-strata-admin-secret': SECRET } })).status).toBe(200);
    // A wrong secret is an ordinary (counted) request.
    expect((await gql(peer, { 'x-strata-admin-secret': 'not the secret' })).status).toBe(429);
    for (let i = 0; i < 8; i++) {
      const response = await t.app.yoga.fetch('http://127.0.0.1/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: COUNT }) });
      expect(response.status).toBe(200);
    }
  });

  it('limits a signed-in user across addresses', async () => {
    const token = await registerUser(t, `busy-${provider}@example.com`, undefined, nextPeer());
    for (let i = 0; i < 3; i++) expect((await t.gql(COUNT, {}, { peer: nextPeer(), ...bearer(token) })).status).toBe(200);
    const refused = await t.gql(COUNT, {}, { peer: nextPeer(), ...bearer(token) });
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    // The same address without the session is another client.
    expect((await t.gql(COUNT, {}, { peer: nextPeer() })).status).toBe(200);
  });
});

/** Sends a websocket upgrade; resolves with the HTTP status (101 when accepted) and Retry-After. */
function upgrade(url: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': 'graphql-transport-ws' },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode! });
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] });
    });
    req.on('error', reject);
  });
}

describe.each(hasRedis ? (['memory', 'redis'] as const) : (['memory'] as const))('API rate limits on websockets (%s counters)', (store) => {
  let database: TestDatabase;
  let redis: TestRedis | undefined;
  let app: App;
  let listening: Listening;
  let ws: WebSocketEndpoint;
  let wsUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    if (store === 'redis') redis = await startRedis();
    const config = loadConfig({ STRATA_ENV: 'test', DATABASE_URL: database.url, ...limits, STRATA_RATE_LIMIT_PER_ADDRESS: '4', ...(redis ? { REDIS_URL: redis.url } : {}) });
    await pushSchema({ databaseUrl: config.databaseUrl, schema: prepareConfigured(config), force: true });
    app = await createApp(config, { policy: allowAll });
    listening = await listen(app.handle, '127.0.0.1', 0);
    ws = attachWebSocket({ server: listening.server, app: () => app, log: app.log });
    wsUrl = `${listening.url.replace(/^http/, 'ws')}/graphql`;
  });
  afterAll(async () => {
    await ws?.close();
    await listening?.close();
    await app?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('counts connection attempts and subscribe messages toward the address, and refuses upgrades over the limit with 429', async () => {
    const client = wsClient(wsUrl);
    await client.connected();
    // 1 connection + 3 operations = the limit of 4; the 5th operation is refused on the open socket.
    for (let i = 0; i < 3; i++) {
      const result = client.subscribe(COUNT);
      expect(await within(result.next(), 10_000, 'an answer')).toEqual({ data: { postsCount: 0 } });
    }
    const refused = client.subscribe('subscription { postChanged { kind } }');
    const { error } = await refused.ended();
    expect(error).toEqual([expect.objectContaining({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } })]);
    const again = await upgrade(wsUrl.replace(/^ws/, 'http'));
    expect(again.status).toBe(429);
    expect(Number(again.retryAfter)).toBeGreaterThan(0);
    await client.dispose();
  });
});
