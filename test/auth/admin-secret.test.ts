import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/base/config.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';

const SECRET = 'an-admin-secret-of-forty-characters-long!';
const EMAILS = '{ users(orderBy: [{ id: asc }]) { email } }';
const header = (value: string) => ({ 'x-strata-admin-secret': value });

describe.each(providers)('admin secret on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true, env: { STRATA_ADMIN_SECRET: SECRET } });
    await t.prisma.user.create({ data: { email: 'someone@example.com' } });
  });
  afterAll(() => t?.close());

  it('makes the request a service viewer with full access', async () => {
    const res = await t.gql(EMAILS, {}, header(SECRET));
    expect(res).toEqual({ data: { users: [{ email: 'someone@example.com' }] } });
  });

  it('leaves a request without the header anonymous (emails stay hidden)', async () => {
    expect(await t.gql(EMAILS)).toEqual({ data: { users: [{ email: null }] } });
  });

  it.each([
    ['a wrong secret', 'not-the-secret'],
    ['an empty secret', ''],
    ['the secret with a trailing space', `${SECRET} `],
  ])('refuses %s with UNAUTHENTICATED, never falling back to anonymous', async (_case, value) => {
    const res = await t.gql(EMAILS, {}, header(value));
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toEqual([expect.objectContaining({ message: 'Invalid admin secret', extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
    expect(JSON.stringify(res)).not.toContain(value || '"x-strata-admin-secret"');
  });

  it('answers HTTP 401 to a bad secret', async () => {
    const response = await t.app.yoga.fetch('http://127.0.0.1/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...header('wrong') },
      body: JSON.stringify({ query: EMAILS }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect((await response.json()).errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });
});

describe.each(providers)('admin secret turned off on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true });
  });
  afterAll(() => t?.close());

  it('refuses any presented secret when STRATA_ADMIN_SECRET is unset', async () => {
    for (const value of ['', 'anything']) expect((await t.gql(EMAILS, {}, header(value))).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe.each(providers)('admin secret attempts and logs on %s', (provider) => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await createAuthTestApp(provider, { env: { STRATA_ADMIN_SECRET: SECRET, STRATA_AUTH_MAX_FAILURES_PER_IP: '3' } });
  });
  afterAll(() => t?.close());

  it('counts failed attempts toward the per-address throttle, then refuses even the right secret', async () => {
    const peer = '198.51.100.7';
    for (let i = 0; i < 3; i++) expect((await t.gql(EMAILS, {}, { headers: header(`guess-${i}`), peer })).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const blocked = await t.gql(EMAILS, {}, { headers: header(SECRET), peer });
    expect(blocked.body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect(blocked.status).toBe(429);
    expect((await t.gql(EMAILS, {}, { headers: header(SECRET), peer: '198.51.100.8' })).body.errors).toBeUndefined();
  });

  it('never writes the secret to the log', async () => {
    await t.gql(EMAILS, {}, { headers: header(SECRET), peer: '198.51.100.9' });
    await t.gql(EMAILS, {}, { headers: header(`${SECRET}x`), peer: '198.51.100.9' });
    // Whatever a plugin or the realtime server logs with headers or connection params is censored too.
    t.app.log.info({ req: { headers: header(SECRET) }, connectionParams: { adminSecret: SECRET } }, 'request');
    t.app.log.info({ headers: header(SECRET), payload: { adminSecret: SECRET } }, 'init');
    const text = t.logs.join('');
    expect(t.logs.length).toBeGreaterThan(2);
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(SECRET);
  });
});

describe('admin secret config', () => {
  const production = (secret: string) => () => loadConfig({ STRATA_ENV: 'production', STRATA_ADMIN_SECRET: secret });

  it('refuses a secret shorter than 32 characters in production, saying how to make one', () => {
    expect(production('short-secret')).toThrow(ConfigError);
    expect(production('short-secret')).toThrow(/STRATA_ADMIN_SECRET must be at least 32 characters in production \(it has 12\)/);
    expect(production('x'.repeat(31))).toThrow(ConfigError);
  });

  it('accepts 32 characters in production, and any secret in development', () => {
    expect(production('x'.repeat(32))().auth.adminSecret).toBe('x'.repeat(32));
    expect(loadConfig({ STRATA_ENV: 'development', STRATA_ADMIN_SECRET: 'dev' }).auth.adminSecret).toBe('dev');
    expect(loadConfig({ STRATA_ENV: 'production' }).auth.adminSecret).toBeNull();
  });
});
