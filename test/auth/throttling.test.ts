import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { registerUser, SIGN_IN } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';

const password = 'correct horse battery';
const code = (res: { body: { errors?: { extensions: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions.code ?? 'OK';

describe.each(providers)('sign-in throttling on %s', (provider) => {
  let t: AuthTestApp;
  let peer = 0;
  const nextPeer = () => `192.0.2.${++peer}`;
  const attempt = (email: string, pw: string, options: { peer?: string; headers?: Record<string, string> } = {}) =>
    t.gql(SIGN_IN, { email, password: pw }, { peer: options.peer ?? nextPeer(), headers: options.headers });

  beforeAll(async () => {
    t = await createAuthTestApp(provider, { env: { STRATA_AUTH_MAX_FAILURES_PER_ACCOUNT: '3', STRATA_AUTH_MAX_FAILURES_PER_IP: '4' } });
  });
  afterAll(() => t?.close());

  it('locks an account after 3 failures from any addresses, even for the right password, until the window passes', async () => {
    await registerUser(t, 'locked@example.com');
    for (let i = 0; i < 3; i++) expect(code(await attempt('locked@example.com', 'wrong password'))).toBe('UNAUTHENTICATED');
    const blocked = await attempt('locked@example.com', password);
    expect(code(blocked)).toBe('RATE_LIMITED');
    expect(blocked.body.errors![0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 15 * 60 });
    t.clock.advance(15 * 60 * 1000);
    expect(code(await attempt('locked@example.com', password))).toBe('OK');
  });

  it('throttles unknown accounts exactly like existing ones', async () => {
    for (let i = 0; i < 3; i++) expect(code(await attempt('ghost@example.com', 'wrong password'))).toBe('UNAUTHENTICATED');
    expect(code(await attempt('ghost@example.com', 'wrong password'))).toBe('RATE_LIMITED');
  });

  it('clears an account’s failures when it signs in', async () => {
    await registerUser(t, 'recovers@example.com');
    for (let i = 0; i < 2; i++) await attempt('recovers@example.com', 'wrong password');
    expect(code(await attempt('recovers@example.com', password))).toBe('OK');
    for (let i = 0; i < 2; i++) expect(code(await attempt('recovers@example.com', 'wrong password'))).toBe('UNAUTHENTICATED');
  });

  it('limits failures per client address across accounts', async () => {
    const ip = nextPeer();
    for (let i = 0; i < 4; i++) expect(code(await attempt(`spray${i}@example.com`, 'wrong password', { peer: ip }))).toBe('UNAUTHENTICATED');
    expect(code(await attempt('spray9@example.com', 'wrong password', { peer: ip }))).toBe('RATE_LIMITED');
    expect(code(await attempt('spray9@example.com', 'wrong password'))).toBe('UNAUTHENTICATED');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const ip = nextPeer();
    for (let i = 0; i < 4; i++) {
      await attempt(`xff${i}@example.com`, 'wrong password', { peer: ip, headers: { 'x-forwarded-for': `198.51.100.${i}` } });
    }
    const res = await attempt('xff9@example.com', 'wrong password', { peer: ip, headers: { 'x-forwarded-for': '198.51.100.99' } });
    expect(code(res)).toBe('RATE_LIMITED');
  });

  it('limits auth mail per address', async () => {
    const reset = 'mutation { requestPasswordReset(email: "mailbomb@example.com") }';
    for (let i = 0; i < 5; i++) expect((await t.gql(reset, {}, { peer: nextPeer() })).body.data?.requestPasswordReset).toBe(true);
    expect(code(await t.gql(reset, {}, { peer: nextPeer() }))).toBe('RATE_LIMITED');
  });
});

describe.each(providers)('client addresses behind a trusted proxy on %s', (provider) => {
  let t: AuthTestApp;
  const proxy = '10.1.2.3';
  const attempt = (email: string, forwardedFor: string) =>
    t.gql(SIGN_IN, { email, password: 'wrong password' }, { peer: proxy, headers: { 'x-forwarded-for': forwardedFor } });

  beforeAll(async () => {
    t = await createAuthTestApp(provider, { env: { STRATA_AUTH_MAX_FAILURES_PER_IP: '2', STRATA_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' } });
  });
  afterAll(() => t?.close());

  it('throttles each forwarded client separately', async () => {
    for (let i = 0; i < 2; i++) expect(code(await attempt(`a${i}@example.com`, '203.0.113.1'))).toBe('UNAUTHENTICATED');
    expect(code(await attempt('a9@example.com', '203.0.113.1'))).toBe('RATE_LIMITED');
    expect(code(await attempt('b0@example.com', '203.0.113.2'))).toBe('UNAUTHENTICATED');
  });

  it('takes the rightmost untrusted hop, so a client cannot pick its bucket by prepending addresses', async () => {
    for (let i = 0; i < 2; i++) await attempt(`c${i}@example.com`, `198.51.100.${i}, 203.0.113.3, 10.0.0.9`);
    expect(code(await attempt('c9@example.com', '198.51.100.77, 203.0.113.3'))).toBe('RATE_LIMITED');
  });
});
