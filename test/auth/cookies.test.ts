import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { cookieValue, registerUser, SIGN_IN, VIEWER } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';
import { DAY } from './support/manual-clock.ts';

const password = 'correct horse battery';

describe.each(providers)('session cookie and bearer token on %s', (provider) => {
  let t: AuthTestApp;
  let prod: AuthTestApp;
  beforeAll(async () => {
    t = await createAuthTestApp(provider);
    prod = await createAuthTestApp(provider, { env: { STRATA_ENV: 'production', LOG_LEVEL: 'silent' } });
  });
  afterAll(async () => {
    await t?.close();
    await prod?.close();
  });

  it('sets the session as an HttpOnly, SameSite=Lax, Path=/ cookie without Secure outside production', async () => {
    await registerUser(t, 'c1@example.com');
    const res = await t.gql(SIGN_IN, { email: 'c1@example.com', password });
    const cookie = res.cookies.find((c) => c.startsWith('strata_session='))!;
    expect(cookie).toBeDefined();
    const attributes = cookie.split(';').map((a) => a.trim());
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/', `Max-Age=${30 * 86_400}`]));
    expect(attributes).not.toContain('Secure');
    expect(cookieValue(res.cookies, 'strata_session')).toBe(res.body.data.signIn.token);
  });

  it('marks the cookie Secure (and __Host-) in production', async () => {
    await registerUser(prod, 'c2@example.com');
    const res = await prod.gql(SIGN_IN, { email: 'c2@example.com', password });
    const cookie = res.cookies.find((c) => c.startsWith('__Host-strata_session='))!;
    expect(cookie.split(';').map((a) => a.trim())).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/', 'Secure']));
  });

  it('authenticates with the cookie, and treats an unknown cookie as anonymous and clears it', async () => {
    const token = await registerUser(t, 'c3@example.com');
    const ok = await t.gql(VIEWER, {}, { headers: { cookie: `other=1; strata_session=${token}` } });
    expect(ok.body.data.viewer.email).toBe('c3@example.com');
    const stale = await t.gql(VIEWER, {}, { headers: { cookie: 'strata_session=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } });
    expect(stale.body).toEqual({ data: { viewer: null } });
    expect(stale.cookies.find((c) => c.startsWith('strata_session='))).toMatch(/Max-Age=0/);
  });

  it('re-sends the cookie with the new expiry when a cookie session is renewed', async () => {
    const token = await registerUser(t, 'c4@example.com');
    t.clock.advance(20 * DAY);
    const res = await t.gql(VIEWER, {}, { headers: { cookie: `strata_session=${token}` } });
    expect(res.body.data.viewer.email).toBe('c4@example.com');
    expect(res.cookies.find((c) => c.startsWith('strata_session='))).toContain(`Max-Age=${30 * 86_400}`);
  });

  it('accepts Authorization: Bearer, and rejects an invalid or malformed one with UNAUTHENTICATED', async () => {
    const token = await registerUser(t, 'c5@example.com');
    expect((await t.gql(VIEWER, {}, { headers: { authorization: `Bearer ${token}` } })).body.data.viewer.email).toBe('c5@example.com');
    for (const authorization of ['Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Bearer not-a-token', `Basic ${token}`, 'Bearer ']) {
      const res = await t.gql(VIEWER, {}, { headers: { authorization } });
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('clears the cookie on signOut', async () => {
    const token = await registerUser(t, 'c6@example.com');
    const res = await t.gql('mutation { signOut }', {}, { headers: { cookie: `strata_session=${token}` } });
    expect(res.body.data.signOut).toBe(true);
    expect(res.cookies.find((c) => c.startsWith('strata_session='))).toMatch(/Max-Age=0/);
    expect((await t.gql(VIEWER, {}, { headers: { cookie: `strata_session=${token}` } })).body.data.viewer).toBeNull();
  });
});
