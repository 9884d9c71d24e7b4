import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { bearer, mailedToken, registerUser, SIGN_IN, signIn, VIEWER } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';

const PASSWORD = 'correct horse battery';
const REQUEST = 'mutation($e: String!, $p: String) { requestEmailChange(newEmail: $e, password: $p) }';
const CONFIRM = 'mutation($t: String!) { confirmEmailChange(token: $t) }';

/**
 * Issue 12 items 6 and 8 under the example app's rules (which give
 * `emailVerifiedAt` no write rule at all): the columns auth owns are not the
 * app's to open, and an address changes only by proving the new one,
 * without telling the caller whether it was taken.
 */
describe.each(providers)('auth-managed fields and the email change on %s', (provider) => {
  let t: AuthTestApp;
  let n = 0;
  const fresh = (name: string) => `${name}-${++n}@example.com`;
  const errorOf = (res: { body: { errors?: { message: string; extensions: Record<string, unknown> }[] } }) => res.body.errors?.[0];
  const mailsTo = (to: string) => t.outbox.messages.filter((m) => m.to === to).map((m) => m.subject);
  /** A signed-in, verified user: their email, id and session token. */
  async function account(name = 'user') {
    const email = fresh(name);
    const token = await registerUser(t, email);
    const row = await t.prisma.user.findUnique({ where: { email } });
    return { email, id: row.id as number, token };
  }
  const request = async (token: string, newEmail: string, password: string | null = PASSWORD) => {
    const res = await t.gql(REQUEST, { e: newEmail, p: password }, bearer(token));
    await t.app.auth.idle();
    return res;
  };

  beforeAll(async () => {
    t = await createAuthTestApp(provider);
  });
  afterAll(() => t?.close());

  it('refuses self-verification through updateUser, and the verification mark stays unset', async () => {
    const me = await account();
    await t.prisma.user.update({ where: { id: me.id }, data: { emailVerifiedAt: null } });
    const res = await t.gql(`mutation { updateUser(where: { id: ${me.id} }, data: { emailVerifiedAt: "2026-01-01T00:00:00.000Z" }) { id } }`, {}, bearer(me.token));
    expect(errorOf(res)).toMatchObject({ message: 'Not allowed to set User.emailVerifiedAt', extensions: { code: 'FORBIDDEN' } });
    expect((await t.prisma.user.findUnique({ where: { id: me.id } })).emailVerifiedAt).toBeNull();
  });

  it('refuses a user their own role', async () => {
    const me = await account();
    const res = await t.gql(`mutation { updateUser(where: { id: ${me.id} }, data: { role: ADMIN }) { id } }`, {}, bearer(me.token));
    expect(errorOf(res)).toMatchObject({ message: 'Not allowed to set User.role', extensions: { code: 'FORBIDDEN' } });
  });

  it('answers updateUser with a taken and with a free email identically: FORBIDDEN, never CONFLICT', async () => {
    const me = await account();
    const other = await account('other');
    const attempt = (email: string) => t.gql(`mutation($e: String!) { updateUser(where: { id: ${me.id} }, data: { email: $e }) { id } }`, { e: email }, bearer(me.token));
    const taken = await attempt(other.email);
    const free = await attempt(fresh('free'));
    expect(taken.body).toEqual(free.body);
    expect(errorOf(taken)).toMatchObject({ message: 'Not allowed to set User.email', extensions: { code: 'FORBIDDEN' } });
  });

  it('answers requestEmailChange the same for a taken and a free address; only a free one gets a link, the current address hears of both', async () => {
    const me = await account();
    const other = await account('other');
    const free = fresh('free');
    const takenMails = mailsTo(other.email).length;
    const taken = await request(me.token, other.email);
    const freeRes = await request(me.token, free);
    expect([taken.status, taken.body]).toEqual([freeRes.status, freeRes.body]);
    expect(taken.body).toEqual({ data: { requestEmailChange: true } });
    expect(mailsTo(other.email)).toHaveLength(takenMails);
    expect(mailsTo(free)).toEqual(['Confirm your new email address']);
    expect(mailsTo(me.email).slice(-2)).toEqual(['Your email address is about to change', 'Your email address is about to change']);
    expect(t.outbox.last(me.email)?.text).toContain(free);
  });

  it('signs in with the new address only once it is confirmed; then the old one stops working and the session stays', async () => {
    const me = await account();
    const next = fresh('next');
    await request(me.token, next);
    expect(errorOf(await t.gql(SIGN_IN, { email: next, password: PASSWORD }))?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.prisma.user.findUnique({ where: { id: me.id } })).email).toBe(me.email);
    await signIn(t, me.email);

    expect((await t.gql(CONFIRM, { t: mailedToken(t, next) })).body).toEqual({ data: { confirmEmailChange: true } });
    const row = await t.prisma.user.findUnique({ where: { id: me.id } });
    expect(row).toMatchObject({ email: next, emailVerifiedAt: t.clock.now() });
    await signIn(t, next);
    expect(errorOf(await t.gql(SIGN_IN, { email: me.email, password: PASSWORD }))?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(VIEWER, {}, bearer(me.token))).body.data.viewer.email).toBe(next);
  });

  it('refuses a used link, and kills the links mailed to the former address', async () => {
    const me = await account();
    await t.gql('mutation($e: String!) { requestPasswordReset(email: $e) }', { e: me.email });
    await t.app.auth.idle();
    const reset = mailedToken(t, me.email);
    const next = fresh('next');
    await request(me.token, next);
    const token = mailedToken(t, next);
    await t.gql(CONFIRM, { t: token });
    expect(errorOf(await t.gql(CONFIRM, { t: token }))).toMatchObject({ message: 'This link is invalid or has expired', extensions: { code: 'BAD_USER_INPUT' } });
    const res = await t.gql('mutation($t: String!) { resetPassword(token: $t, newPassword: "another long password") }', { t: reset });
    expect(errorOf(res)?.message).toBe('This link is invalid or has expired');
  });

  it('refuses the link like a dead one when the address got an account meanwhile, and keeps the current address', async () => {
    const me = await account();
    const contested = fresh('contested');
    await request(me.token, contested);
    const token = mailedToken(t, contested);
    await registerUser(t, contested);
    expect(errorOf(await t.gql(CONFIRM, { t: token }))).toMatchObject({ message: 'This link is invalid or has expired', extensions: { code: 'BAD_USER_INPUT' } });
    expect((await t.prisma.user.findUnique({ where: { id: me.id } })).email).toBe(me.email);
  });

  it('needs the password of an account that has one, counts a wrong one like a failed sign-in, and mails nothing then', async () => {
    const me = await account();
    const before = t.outbox.messages.length;
    for (const password of [null, 'not the password']) {
      expect(errorOf(await request(me.token, fresh('x'), password))).toMatchObject({ message: 'The password is wrong', extensions: { code: 'BAD_USER_INPUT', argument: 'password' } });
    }
    expect(t.outbox.messages.length).toBe(before);
    for (let i = 0; i < 3; i += 1) await request(me.token, fresh('x'), 'still wrong');
    expect(errorOf(await request(me.token, fresh('x')))?.extensions.code).toBe('RATE_LIMITED');
  });

  it('lets an account without a password (OAuth only) change its address without one', async () => {
    const email = fresh('oauth');
    const user = await t.prisma.user.create({ data: { email, emailVerifiedAt: t.clock.now() } });
    const { token } = await t.app.auth.sessions!.create(user.id);
    const next = fresh('next');
    expect((await request(token, next, null)).body).toEqual({ data: { requestEmailChange: true } });
    await t.gql(CONFIRM, { t: mailedToken(t, next) });
    expect((await t.prisma.user.findUnique({ where: { id: user.id } })).email).toBe(next);
  });

  it('refuses anonymous callers, and a malformed address', async () => {
    expect(errorOf(await t.gql(REQUEST, { e: fresh('x'), p: PASSWORD }))?.extensions.code).toBe('UNAUTHENTICATED');
    const me = await account();
    expect(errorOf(await request(me.token, 'not-an-address'))).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'newEmail' } });
  });
});
