import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../../src/base/config.ts';
import { within } from '../support/deferred.ts';
import { providers, type TestDatabase } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { createRealtimeDatabase, type Instance, startInstance } from '../realtime/support/realtime-instance.ts';
import { sseSubscribe } from '../realtime/support/sse-client.ts';
import { wsClient } from '../realtime/support/ws-client.ts';

const ALLOWED = 'https://app.example.com';
const EVIL = 'https://evil.example';
const QUERY = JSON.stringify({ query: '{ postsCount }' });
const CHANGED = 'subscription($where: PostWhereInput) { postChanged(where: $where) { node { id } } }';

/** Asks for a websocket upgrade with `headers`; resolves with 101 when it opens, else the HTTP status of the refusal. */
function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
  const outcome = new Promise<number>((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
  return within(outcome, 5000, 'the websocket upgrade');
}

describe('CORS settings', () => {
  it('allows loopback origins on any port outside production, none cross-origin in production', () => {
    expect(loadConfig({ STRATA_ENV: 'development' }).transport.corsOrigins).toEqual(['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*']);
    expect(loadConfig({ STRATA_ENV: 'production' }).transport.corsOrigins).toEqual([]);
    expect(loadConfig({ STRATA_CORS_ORIGINS: ' https://a.example , http://b.example:8080 ' }).transport.corsOrigins).toEqual(['https://a.example', 'http://b.example:8080']);
  });

  it('refuses *, null, anything that is not an origin, and unknown or unsafe limits', () => {
    for (const value of ['*', 'https://a.example,*', 'null', 'https://a.example/path', 'a.example', 'https://A.example']) {
      expect(() => loadConfig({ STRATA_CORS_ORIGINS: value })).toThrow(ConfigError);
    }
    expect(() => loadConfig({ STRATA_INTROSPECTION: 'everyone' })).toThrow(/STRATA_INTROSPECTION must be all, admin or off/);
    // Prisma's engine fails deeper requests with an internal error.
    expect(() => loadConfig({ STRATA_MAX_INPUT_DEPTH: '60' })).toThrow(/STRATA_MAX_INPUT_DEPTH must be at most 48/);
  });
});

describe.each(providers)('CORS over HTTP on %s', (provider) => {
  let dev: TestApp;
  let production: TestApp;
  let listed: TestApp;
  beforeAll(async () => {
    dev = await createTestApp(provider, { env: { STRATA_ENV: 'development', LOG_LEVEL: 'silent' } });
    production = await createTestApp(provider, { env: { STRATA_ENV: 'production', LOG_LEVEL: 'silent' } });
    listed = await createTestApp(provider, { env: { STRATA_ENV: 'production', LOG_LEVEL: 'silent', STRATA_CORS_ORIGINS: `${ALLOWED},http://localhost:*` } });
  });
  afterAll(async () => {
    await dev?.close();
    await production?.close();
    await listed?.close();
  });

  const preflight = (t: TestApp, origin: string, path = '/graphql') =>
    t.app.yoga.fetch(`http://127.0.0.1${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-graphql-yoga-csrf' },
    });
  const post = (t: TestApp, origin: string) => t.app.yoga.fetch('http://127.0.0.1/graphql', { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: QUERY });
  const expectAllowed = (response: Response, origin: string) => {
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('vary')).toMatch(/Origin/);
  };
  const expectRefused = (response: Response) => {
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('access-control-allow-headers')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/Origin/);
  };

  it('answers a preflight from an allowed origin with that origin, credentials and the CSRF header', async () => {
    const response = await preflight(listed, ALLOWED);
    expect(response.status).toBe(204);
    expectAllowed(response, ALLOWED);
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type, x-graphql-yoga-csrf');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST');
  });

  it('answers a preflight from an unknown origin without any CORS header, so the browser stops there', async () => {
    for (const origin of [EVIL, 'null', 'https://app.example.com.evil.example', 'http://app.example.com']) expectRefused(await preflight(listed, origin));
  });

  it('marks actual requests from an allowed origin only', async () => {
    expectAllowed(await post(listed, ALLOWED), ALLOWED);
    expectRefused(await post(listed, EVIL));
  });

  it('matches any port of a `:*` entry, and loopback on any port outside production only', async () => {
    expectAllowed(await preflight(listed, 'http://localhost:5173'), 'http://localhost:5173');
    expectAllowed(await preflight(dev, 'http://127.0.0.1:3000'), 'http://127.0.0.1:3000');
    expectAllowed(await preflight(dev, 'http://localhost'), 'http://localhost');
    expectRefused(await preflight(dev, EVIL));
    expectRefused(await preflight(dev, 'http://localhost.evil.example:5173'));
    expectRefused(await preflight(production, 'http://localhost:5173'));
    expectRefused(await post(production, 'http://localhost:5173'));
  });

  it('applies to SSE subscriptions, /rest and /functions alike', async () => {
    for (const path of ['/rest/posts', '/rest/openapi.json', '/functions/anything']) {
      expectAllowed(await preflight(listed, ALLOWED, path), ALLOWED);
      expectRefused(await preflight(listed, EVIL, path));
      expectAllowed(await listed.app.yoga.fetch(`http://127.0.0.1${path}`, { headers: { origin: ALLOWED } }), ALLOWED);
      expectRefused(await listed.app.yoga.fetch(`http://127.0.0.1${path}`, { headers: { origin: EVIL } }));
    }
    for (const [origin, check] of [
      [ALLOWED, (r: Response) => expectAllowed(r, ALLOWED)],
      [EVIL, expectRefused],
    ] as const) {
      const controller = new AbortController();
      const response = await listed.app.yoga.fetch('http://127.0.0.1/graphql', {
        method: 'POST',
        headers: { origin, accept: 'text/event-stream', 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'subscription { postChanged { node { id } } }' }),
        signal: controller.signal,
      });
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      check(response);
      controller.abort();
      await response.body?.cancel().catch(() => {});
    }
  });
});

describe.each(providers)('websocket upgrades and operations on %s', (provider) => {
  let db: TestDatabase;
  let production: Instance;
  let listed: Instance;
  let token: string;
  beforeAll(async () => {
    db = await createRealtimeDatabase(provider);
    production = await startInstance(db.url, { STRATA_ENV: 'production', LOG_LEVEL: 'silent' });
    listed = await startInstance(db.url, { STRATA_CORS_ORIGINS: ALLOWED });
    const row = await listed.app.db.prisma.user.create({ data: { email: 'ws@example.com' } });
    token = (await listed.app.auth.sessions!.create(row.id)).token;
  });
  afterAll(async () => {
    await production?.close();
    await listed?.close();
    await db?.drop();
  });

  it('refuses with 403 an upgrade carrying the session cookie from a foreign origin', async () => {
    expect(await upgrade(listed.wsUrl, { origin: EVIL, cookie: `strata_session=${token}` })).toBe(403);
    expect(await upgrade(production.wsUrl, { origin: 'http://localhost:5173', cookie: `strata_session=${token}` })).toBe(403);
    expect(listed.ws.connections).toBe(0);
  });

  it('accepts a cookie upgrade from an allowed origin or from the server itself', async () => {
    expect(await upgrade(listed.wsUrl, { origin: ALLOWED, cookie: `strata_session=${token}` })).toBe(101);
    const own = new URL(production.wsUrl);
    expect(await upgrade(production.wsUrl, { origin: `http://${own.host}`, cookie: `strata_session=${token}` })).toBe(101);
  });

  it('accepts upgrades without cookies (credentials in connection_init) or without Origin (non-browser clients)', async () => {
    expect(await upgrade(listed.wsUrl, { origin: EVIL })).toBe(101);
    expect(await upgrade(listed.wsUrl, { cookie: `strata_session=${token}` })).toBe(101);
  });

  it('applies the input and cost limits to websocket operations', async () => {
    const client = wsClient(listed.wsUrl);
    try {
      for (const [variables, limit] of [
        [{ where: { title: { contains: 'a'.repeat(20_000) } } }, 'STRATA_MAX_INPUT_STRING'],
        [{ where: { id: { in: Array.from({ length: 5000 }, (_, i) => i) } } }, 'STRATA_MAX_INPUT_LIST'],
      ] as const) {
        const stream = client.subscribe(CHANGED, variables);
        const first = await Promise.race([stream.next().then((result) => result.errors), stream.ended().then((end) => end.error)]);
        expect(JSON.stringify(first)).toContain(limit);
        expect(JSON.stringify(first)).toContain('BAD_USER_INPUT');
        stream.dispose();
      }
      const costly = await client.client.iterate({ query: '{ users { posts { tags { posts { id } } } } }' }).next();
      expect(JSON.stringify(costly.value)).toContain('STRATA_MAX_COST');
    } finally {
      await client.dispose();
    }
  });

  it('refuses introspection over websockets to anonymous clients in production', async () => {
    const client = wsClient(production.wsUrl);
    try {
      const result = await client.client.iterate({ query: '{ __schema { queryType { name } } }' }).next();
      expect(JSON.stringify(result.value)).toContain('FORBIDDEN');
      expect(JSON.stringify(result.value)).not.toContain('"Query"');
    } finally {
      await client.dispose();
    }
  });

  it('applies the input limits to SSE subscriptions', async () => {
    const stream = sseSubscribe(listed.httpUrl, CHANGED, { where: { title: { contains: 'a'.repeat(20_000) } } });
    const result = await stream.next();
    expect(result.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(result.errors[0].message).toContain('STRATA_MAX_INPUT_STRING');
    stream.abort();
  });
});
