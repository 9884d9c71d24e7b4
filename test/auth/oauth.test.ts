import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { registerUser, SIGN_UP, signIn, VIEWER } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';
import { FakeOAuthProvider } from './support/fake-oauth-provider.ts';

describe.each(providers)('OAuth sign-in against a fake provider on %s', (provider) => {
  let t: AuthTestApp;
  const fake = new FakeOAuthProvider();
  let n = 0;
  const sessions = () => t.prisma.strataSession.count();

  beforeAll(async () => {
    await fake.start();
    t = await createAuthTestApp(provider, {
      env: {
        STRATA_PUBLIC_URL: 'http://app.test',
        STRATA_OAUTH_SUCCESS_URL: 'http://app.test/welcome',
        STRATA_OAUTH_FAILURE_URL: 'http://app.test/sign-in',
        STRATA_OAUTH_OIDC_ISSUER: fake.url,
        STRATA_OAUTH_OIDC_CLIENT_ID: 'client-id',
        STRATA_OAUTH_OIDC_CLIENT_SECRET: 'client-secret',
        // GitHub Enterprise-style base URLs point GitHub at the fake as well.
        STRATA_OAUTH_GITHUB_CLIENT_ID: 'client-id',
        STRATA_OAUTH_GITHUB_CLIENT_SECRET: 'client-secret',
        STRATA_OAUTH_GITHUB_URL: fake.url,
        STRATA_OAUTH_GITHUB_API_URL: `${fake.url}/api`,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  /** GET /start: returns the provider URL and the flow cookies as a Cookie header. */
  async function start(name = 'oidc') {
    const res = await t.fetch(`/auth/oauth/${name}/start`);
    expect(res.status).toBe(302);
    const cookies = res.headers.getSetCookie();
    return { location: res.headers.get('location')!, cookies, jar: cookies.map((c) => c.split(';')[0]).join('; ') };
  }
  const callback = (url: URL, cookie?: string) => t.fetch(url.pathname + url.search, { headers: cookie ? { cookie } : {} });
  const failure = (res: Response) => new URL(res.headers.get('location')!).searchParams.get('error');
  const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('strata_session='));

  it('signs a new user in: state and PKCE cookies, code exchange, verified profile, session cookie', async () => {
    fake.next = { sub: 'oidc-new', email: 'New.Person@example.com', emailVerified: true, name: 'New Person' };
    const flow = await start();
    const authorize = new URL(flow.location);
    expect(authorize.origin).toBe(fake.url);
    expect(authorize.searchParams.get('redirect_uri')).toBe('http://app.test/auth/oauth/oidc/callback');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    for (const cookie of flow.cookies) expect(cookie).toMatch(/^strata_oauth_(state|verifier)=.+; Path=\/auth\/oauth; HttpOnly; SameSite=Lax; Max-Age=600$/);

    const res = await callback(await fake.authorize(flow.location), flow.jar);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://app.test/welcome');
    const token = sessionCookie(res)!.split(';')[0].split('=')[1];
    const viewer = await t.gql(VIEWER, {}, { headers: { cookie: `strata_session=${token}` } });
    expect(viewer.body.data.viewer).toMatchObject({ email: 'new.person@example.com', role: 'USER' });
    const user = await t.prisma.user.findUnique({ where: { email: 'new.person@example.com' } });
    expect(user).toMatchObject({ name: 'New Person', passwordHash: null });
    expect(user.emailVerifiedAt).toBeInstanceOf(Date);
    expect(res.headers.getSetCookie().filter((c) => /^strata_oauth_/.test(c)).every((c) => c.includes('Max-Age=0'))).toBe(true);

    const again = await start();
    const second = await callback(await fake.authorize(again.location), again.jar);
    expect(failure(second)).toBeNull();
    expect(await t.prisma.user.count({ where: { email: 'new.person@example.com' } })).toBe(1);
  });

  it('refuses a callback whose state differs from the state cookie, without asking the provider', async () => {
    const before = await sessions();
    const flow = await start();
    const url = await fake.authorize(flow.location);
    url.searchParams.set('state', 'forged-state');
    const requests = fake.tokenRequests.length;
    const res = await callback(url, flow.jar);
    expect(failure(res)).toBe('invalid_state');
    expect(sessionCookie(res)).toBeUndefined();
    expect(fake.tokenRequests.length).toBe(requests);
    expect(await sessions()).toBe(before);
  });

  it('refuses a callback without the state or the PKCE verifier cookie', async () => {
    const before = await sessions();
    const flow = await start();
    const url = await fake.authorize(flow.location);
    const stateOnly = flow.jar.split('; ').filter((c) => c.startsWith('strata_oauth_state=')).join('; ');
    expect(failure(await callback(url, stateOnly))).toBe('missing_verifier');
    expect(failure(await callback(url))).toBe('invalid_state');
    expect(await sessions()).toBe(before);
  });

  it("refuses another flow's verifier: the provider's PKCE check fails", async () => {
    const before = await sessions();
    const flow = await start();
    const other = await start();
    const url = await fake.authorize(flow.location);
    const state = flow.jar.split('; ').find((c) => c.startsWith('strata_oauth_state='));
    const verifier = other.jar.split('; ').find((c) => c.startsWith('strata_oauth_verifier='));
    expect(failure(await callback(url, `${state}; ${verifier}`))).toBe('exchange_failed');
    expect(await sessions()).toBe(before);
  });

  it('refuses a replayed code: the provider rejects it and no second session is made', async () => {
    fake.next = { sub: 'oidc-replay', email: 'replay@example.com', emailVerified: true };
    const flow = await start();
    const url = await fake.authorize(flow.location);
    expect(failure(await callback(url, flow.jar))).toBeNull();
    const before = await sessions();
    const replay = await callback(url, flow.jar);
    expect(failure(replay)).toBe('exchange_failed');
    expect(sessionCookie(replay)).toBeUndefined();
    expect(await sessions()).toBe(before);
  });

  it('never links an unverified provider email to an existing account', async () => {
    await registerUser(t, 'owner@example.com');
    fake.next = { sub: 'attacker', email: 'owner@example.com', emailVerified: false };
    const before = await sessions();
    const flow = await start();
    const res = await callback(await fake.authorize(flow.location), flow.jar);
    expect(failure(res)).toBe('email_not_verified');
    expect(sessionCookie(res)).toBeUndefined();
    expect(await sessions()).toBe(before);
    expect(await t.prisma.strataOAuthAccount.count({ where: { subject: 'attacker' } })).toBe(0);
    expect(await signIn(t, 'owner@example.com')).toMatch(/^[a-z2-7]{32}$/);
  });

  it('links a provider-verified email to the existing account, keeping its verified password', async () => {
    await registerUser(t, 'linked@example.com');
    const existing = await t.prisma.user.findUnique({ where: { email: 'linked@example.com' } });
    fake.next = { sub: 'gh-4242', email: 'linked@example.com', emailVerified: true };
    const flow = await start('github');
    expect(flow.location.startsWith(`${fake.url}/login/oauth/authorize?`)).toBe(true);
    const res = await callback(await fake.authorize(flow.location), flow.jar);
    expect(failure(res)).toBeNull();
    const link = await t.prisma.strataOAuthAccount.findFirst({ where: { provider: 'github' } });
    expect(link).toMatchObject({ subject: '4242', userId: existing.id });
    expect(await signIn(t, 'linked@example.com')).toMatch(/^[a-z2-7]{32}$/);
  });

  it('drops the password of a never-verified account when a verified identity claims its address', async () => {
    await t.gql(SIGN_UP, { email: 'squatted@example.com', password: 'set by a squatter' });
    await t.app.auth.idle();
    fake.next = { sub: `oidc-real-${++n}`, email: 'squatted@example.com', emailVerified: true };
    const flow = await start();
    expect(failure(await callback(await fake.authorize(flow.location), flow.jar))).toBeNull();
    const user = await t.prisma.user.findUnique({ where: { email: 'squatted@example.com' } });
    expect(user.passwordHash).toBeNull();
    expect(user.emailVerifiedAt).toBeInstanceOf(Date);
  });

  it('maps a GitHub-style error answer (200 with an error body) to a failure', async () => {
    fake.next = { sub: 'gh-7', email: 'gh7@example.com', emailVerified: true };
    const flow = await start('github');
    const url = await fake.authorize(flow.location);
    expect(failure(await callback(url, flow.jar))).toBeNull();
    expect(failure(await callback(url, flow.jar))).toBe('exchange_failed');
  });

  it('counts failed callbacks toward the address throttle, then refuses that address before asking the provider', async () => {
    const attacker = '198.51.100.23';
    const forged = new URL('http://app.test/auth/oauth/oidc/callback?code=guess&state=guess');
    for (let i = 0; i < 50; i++) {
      const res = await t.fetch(forged.pathname + forged.search, {}, attacker);
      expect(failure(res)).toBe('invalid_state');
    }
    fake.next = { sub: 'oidc-throttled', email: 'throttled@example.com', emailVerified: true };
    const flow = await start();
    const url = await fake.authorize(flow.location);
    const requests = fake.tokenRequests.length;
    const refused = await t.fetch(url.pathname + url.search, { headers: { cookie: flow.jar } }, attacker);
    expect(failure(refused)).toBe('rate_limited');
    expect(sessionCookie(refused)).toBeUndefined();
    expect(fake.tokenRequests.length).toBe(requests);
    // Another address is not affected: the same flow completes from there.
    const res = await t.fetch(url.pathname + url.search, { headers: { cookie: flow.jar } }, '198.51.100.24');
    expect(failure(res)).toBeNull();
    expect(sessionCookie(res)).toBeDefined();
  });

  it('answers 404 for a provider that is not configured', async () => {
    expect((await t.fetch('/auth/oauth/google/start')).status).toBe(404);
    expect((await t.fetch('/auth/oauth/nope/callback')).status).toBe(404);
  });
});
