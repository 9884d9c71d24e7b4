import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { bearer, mailedToken, registerUser, signIn, VIEWER } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';
import { DAY } from './support/manual-clock.ts';

const SESSIONS = '{ viewerSessions { id createdAt expiresAt current } }';

describe.each(providers)('session lifecycle on %s', (provider) => {
  let t: AuthTestApp;
  let n = 0;
  const email = () => `s${++n}@example.com`;
  const viewerOf = async (token: string) => (await t.gql(VIEWER, {}, bearer(token))).body;

  beforeAll(async () => {
    t = await createAuthTestApp(provider);
  });
  afterAll(() => t?.close());

  it('signs in, returns a 30-day session and resolves the viewer from its bearer token', async () => {
    const address = email();
    await registerUser(t, address);
    const res = await t.gql('mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token expiresAt user { email role } } }', {
      e: address,
      p: 'correct horse battery',
    });
    expect(res.body.errors).toBeUndefined();
    const { token, expiresAt, user } = res.body.data.signIn;
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(Date.parse(expiresAt) - t.clock.now().getTime()).toBe(30 * DAY);
    expect(user).toEqual({ email: address, role: 'USER' });
    expect((await viewerOf(token)).data.viewer).toMatchObject({ email: address, role: 'USER' });
  });

  it('renews the expiry once half of the lifetime is used, and not before', async () => {
    const token = await registerUser(t, email());
    const expiry = async () => Date.parse((await t.gql(SESSIONS, {}, bearer(token))).body.data.viewerSessions.find((s: any) => s.current).expiresAt);
    const first = await expiry();
    t.clock.advance(14 * DAY);
    expect(await expiry()).toBe(first);
    t.clock.advance(2 * DAY);
    expect(await expiry()).toBe(t.clock.now().getTime() + 30 * DAY);
  });

  it('expires a session unused for 30 days and deletes its row', async () => {
    const address = email();
    const token = await registerUser(t, address);
    t.clock.advance(30 * DAY);
    const res = await viewerOf(token);
    expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const user = await t.prisma.user.findUnique({ where: { email: address } });
    expect(await t.prisma.strataSession.count({ where: { userId: user.id } })).toBe(0);
  });

  it('never renews a session past its absolute cap of 90 days', async () => {
    const token = await registerUser(t, email());
    for (let day = 20; day < 90; day += 20) {
      t.clock.advance(20 * DAY);
      expect((await viewerOf(token)).data?.viewer).not.toBeNull();
    }
    const [session] = (await t.gql(SESSIONS, {}, bearer(token))).body.data.viewerSessions;
    expect(Date.parse(session.expiresAt) - Date.parse(session.createdAt)).toBe(90 * DAY);
    t.clock.advance(10 * DAY + 1);
    expect((await viewerOf(token)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it("lists the viewer's sessions and revokes one by its public id", async () => {
    const address = email();
    const mine = await registerUser(t, address);
    const other = await signIn(t, address);
    const stranger = await registerUser(t, email());
    const list = (await t.gql(SESSIONS, {}, bearer(mine))).body.data.viewerSessions;
    expect(list).toHaveLength(2);
    expect(list.filter((s: any) => s.current)).toHaveLength(1);
    const otherId = list.find((s: any) => !s.current).id;
    expect(otherId).toMatch(/^[0-9a-f]{16}$/);
    const byStranger = await t.gql('mutation($id: String!) { revokeSession(id: $id) }', { id: otherId }, bearer(stranger));
    expect(byStranger.body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const revoked = await t.gql('mutation($id: String!) { revokeSession(id: $id) }', { id: otherId }, bearer(mine));
    expect(revoked.body.data.revokeSession).toBe(true);
    expect((await viewerOf(other)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await viewerOf(mine)).data.viewer.email).toBe(address);
  });

  it('signs out one session, or every session at once', async () => {
    const address = email();
    const a = await registerUser(t, address);
    const b = await signIn(t, address);
    const c = await signIn(t, address);
    expect((await t.gql('mutation { signOut }', {}, bearer(a))).body.data.signOut).toBe(true);
    expect((await viewerOf(a)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.gql('mutation { signOutEverywhere }', {}, bearer(b))).body.data.signOutEverywhere).toBe(2);
    for (const token of [b, c]) expect((await viewerOf(token)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('changePassword keeps the current session and revokes the others', async () => {
    const address = email();
    const current = await registerUser(t, address);
    const other = await signIn(t, address);
    const wrong = await t.gql('mutation { changePassword(current: "not it at all", next: "a new passphrase") }', {}, bearer(current));
    expect(wrong.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const ok = await t.gql('mutation { changePassword(current: "correct horse battery", next: "a new passphrase") }', {}, bearer(current));
    expect(ok.body.data.changePassword).toBe(true);
    expect((await viewerOf(current)).data.viewer.email).toBe(address);
    expect((await viewerOf(other)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    await expect(signIn(t, address)).rejects.toThrow(/UNAUTHENTICATED/);
    expect(await signIn(t, address, 'a new passphrase')).toMatch(/^[a-z2-7]{32}$/);
  });

  it('resetPassword revokes every session of the user and works once', async () => {
    const address = email();
    const a = await registerUser(t, address);
    const b = await signIn(t, address);
    expect((await t.gql('mutation($e: String!) { requestPasswordReset(email: $e) }', { e: address })).body.data.requestPasswordReset).toBe(true);
    await t.app.auth.idle();
    const token = mailedToken(t, address);
    const reset = 'mutation($t: String!) { resetPassword(token: $t, newPassword: "brand new secret") }';
    expect((await t.gql(reset, { t: token })).body.data.resetPassword).toBe(true);
    for (const s of [a, b]) expect((await viewerOf(s)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(reset, { t: token })).body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await signIn(t, address, 'brand new secret')).toMatch(/^[a-z2-7]{32}$/);
  });

  it('rejects a reset link after an hour', async () => {
    const address = email();
    await registerUser(t, address);
    await t.gql('mutation($e: String!) { requestPasswordReset(email: $e) }', { e: address });
    await t.app.auth.idle();
    t.clock.advance(60 * 60 * 1000 + 1);
    const res = await t.gql('mutation($t: String!) { resetPassword(token: $t, newPassword: "brand new secret") }', { t: mailedToken(t, address) });
    expect(res.body.errors?.[0]).toMatchObject({ message: 'This link is invalid or has expired', extensions: { code: 'BAD_USER_INPUT' } });
  });
});
