import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAdmin } from '../../src/base/viewer.ts';
import { providers } from '../support/databases.ts';
import { bearer, mailedToken, registerUser, SIGN_IN, SIGN_UP, VIEWER } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';
import { DAY } from './support/manual-clock.ts';

const VERIFY = 'mutation($t: String!) { verifyEmail(token: $t) { token user { email emailVerifiedAt } } }';
const errorOf = (res: { body: { errors?: { message: string; extensions: { code?: string } }[] } }) => res.body.errors?.[0];

describe.each(providers)('sign-up, verification and roles on %s', (provider) => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await createAuthTestApp(provider);
  });
  afterAll(() => t?.close());

  it.each([
    ['a 7-character password', 'a@example.com', 'x'.repeat(7), /at least 8/],
    ['a 129-character password', 'a@example.com', 'x'.repeat(129), /at most 128/],
    ['a malformed email', 'not-an-email', 'correct horse battery', /valid email/],
  ])('refuses %s with BAD_USER_INPUT', async (_case, email, password, message) => {
    const res = await t.gql(SIGN_UP, { email, password });
    expect(errorOf(res)).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('refuses a sign-in password over 128 characters before hashing it', async () => {
    const res = await t.gql(SIGN_IN, { email: 'a@example.com', password: 'x'.repeat(10_000) });
    expect(errorOf(res)?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('accepts 128 characters, stores argon2id with the OWASP parameters, and never grants ADMIN', async () => {
    const res = await t.gql(SIGN_UP, { email: 'Long.Pass@Example.com', password: 'y'.repeat(128), name: 'Long' });
    expect(res.body.data.signUp).toEqual({ message: 'Check your inbox to confirm your email address.', emailVerificationRequired: true });
    await t.app.auth.idle();
    const user = await t.prisma.user.findUnique({ where: { email: 'long.pass@example.com' } });
    expect(user).toMatchObject({ role: 'USER', name: 'Long', emailVerifiedAt: null });
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const withRole = await t.gql('mutation { signUp(email: "r@example.com", password: "correct horse battery", role: ADMIN) { message } }');
    expect(errorOf(withRole)?.message).toMatch(/Unknown argument "role"/);
  });

  it('verifies the address with the mailed link, signs in, and refuses the link a second time', async () => {
    await t.gql(SIGN_UP, { email: 'verify@example.com', password: 'correct horse battery' });
    await t.app.auth.idle();
    const token = mailedToken(t, 'verify@example.com');
    const res = await t.gql(VERIFY, { t: token });
    expect(res.body.data.verifyEmail.user).toEqual({ email: 'verify@example.com', emailVerifiedAt: t.clock.now().toISOString() });
    expect((await t.gql(VIEWER, {}, bearer(res.body.data.verifyEmail.token))).body.data.viewer.email).toBe('verify@example.com');
    expect(errorOf(await t.gql(VERIFY, { t: token }))).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('refuses a verification link after 24 hours', async () => {
    await t.gql(SIGN_UP, { email: 'late@example.com', password: 'correct horse battery' });
    await t.app.auth.idle();
    t.clock.advance(DAY + 1);
    expect(errorOf(await t.gql(VERIFY, { t: mailedToken(t, 'late@example.com') }))?.message).toBe('This link is invalid or has expired');
  });

  it('mails a new verification link to a signed-in viewer on request', async () => {
    const token = await registerUser(t, 'again@example.com');
    await t.prisma.user.update({ where: { email: 'again@example.com' }, data: { emailVerifiedAt: null } });
    const before = t.outbox.messages.length;
    expect((await t.gql('mutation { requestEmailVerification }', {}, bearer(token))).body.data.requestEmailVerification).toBe(true);
    await t.app.auth.idle();
    expect(t.outbox.messages.slice(before).map((m) => m.to)).toEqual(['again@example.com']);
  });

  it("queues the example app's welcomeUser trigger for a real sign-up, and for nothing else", async () => {
    await t.prisma.strataOutbox.deleteMany();
    await t.gql(SIGN_UP, { email: 'welcome@example.com', password: 'correct horse battery' });
    await t.app.auth.idle();
    const link = mailedToken(t, 'welcome@example.com');
    await t.gql(SIGN_UP, { email: 'welcome@example.com', password: 'correct horse battery' });
    await t.app.auth.idle();
    await t.gql('mutation($t: String!) { verifyEmail(token: $t) { token } }', { t: link });
    const rows = await t.prisma.strataOutbox.findMany();
    expect(rows.map((r: { trigger: string; payload: string }) => [r.trigger, JSON.parse(r.payload).row.email])).toEqual([['welcomeUser', 'welcome@example.com']]);
    // The password hash (`/// @omit`) never leaves in a trigger payload (webhooks send payloads out).
    expect(rows[0].payload).not.toMatch(/passwordHash|argon2/);
  });

  it('gives the viewer the role from the user row; isAdmin holds for ADMIN users only', async () => {
    const token = await registerUser(t, 'boss@example.com');
    const asUser = await t.app.auth.resolveViewer({ bearer: token });
    expect(asUser).toMatchObject({ kind: 'user', role: 'USER' });
    expect(isAdmin(asUser)).toBe(false);
    await t.prisma.user.update({ where: { email: 'boss@example.com' }, data: { role: 'ADMIN' } });
    // A direct database edit is seen once the kept session expires (STRATA_SESSION_CACHE_MS; see session-cache.test.ts).
    t.clock.advance(t.app.config.auth.sessionCacheMs);
    const asAdmin = await t.app.auth.resolveViewer({ bearer: token });
    expect(asAdmin).toMatchObject({ kind: 'user', role: 'ADMIN' });
    expect(isAdmin(asAdmin)).toBe(true);
    const users = await t.gql('{ users { email } }', {}, bearer(token));
    expect(users.body.data.users.every((u: { email: string | null }) => u.email !== null)).toBe(true);
  });
});

describe.each(providers)('sign-up without required verification on %s', (provider) => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await createAuthTestApp(provider, { env: { STRATA_AUTH_REQUIRE_VERIFIED_EMAIL: 'false' } });
  });
  afterAll(() => t?.close());

  it('lets a new account sign in right away, still mailing a verification link', async () => {
    const res = await t.gql(SIGN_UP, { email: 'quick@example.com', password: 'correct horse battery' });
    expect(res.body.data.signUp.emailVerificationRequired).toBe(false);
    const signIn = await t.gql(SIGN_IN, { email: 'quick@example.com', password: 'correct horse battery' });
    expect(signIn.body.data.signIn.user.email).toBe('quick@example.com');
    expect(t.outbox.last('quick@example.com')?.subject).toBe('Confirm your email address');
  });
});
