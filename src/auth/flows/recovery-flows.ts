import { badInput } from '../../base/errors.ts';
import type { UserAuth } from '../auth-core.ts';
import { clearSessionCookie } from '../http/session-cookie.ts';
import { requestAddress } from '../http/request-address.ts';
import { assertPasswordPolicy, hashPassword } from '../passwords/passwords.ts';
import { requireEmail } from '../users/user-accounts.ts';
import type { Viewer } from '../../base/viewer.ts';
import { type SessionGrant, startSession } from './session-flows.ts';
import type { HttpExchange } from '../../base/context.ts';

/** The one answer to a mailed token that cannot be used: unknown, used, expired, or its address gone. */
export const invalidLink = () => badInput('This link is invalid or has expired', { argument: 'token' });

/** Issues a verification token for `email` and mails the link. */
export async function sendVerificationMail(auth: UserAuth, userId: string | number, email: string): Promise<void> {
  const token = await auth.tokens.issue('verify-email', userId, email, auth.config.verifyEmailTtlMs);
  await auth.mailer.send(auth.mails.verifyEmail(email, auth.config.verifyEmailUrl, token));
}

/**
 * Mails a new verification link to the signed-in viewer, or to `email` for
 * someone who cannot sign in yet. Always answers true: whether the address
 * has an unverified account is settled in the background.
 */
export async function requestEmailVerification(auth: UserAuth, viewer: Viewer, email: string | null | undefined, http?: HttpExchange): Promise<boolean> {
  const address = viewer.kind === 'user' ? viewer.email : requireEmail(email ?? '');
  await auth.throttle.consume(auth.throttle.mail(address, requestAddress(http)));
  auth.background(async () => {
    const user = await auth.accounts.findByEmail(address);
    if (user && !user.emailVerifiedAt) await sendVerificationMail(auth, user.id, address);
  });
  return true;
}

/** Confirms an address with a mailed token and signs its owner in. */
export async function verifyEmail(auth: UserAuth, token: string, http?: HttpExchange): Promise<SessionGrant> {
  return startSession(auth, http, await confirmEmail(auth, token));
}

/** Marks the address of a verification token verified (no session: the development link page uses it). */
export async function confirmEmail(auth: UserAuth, token: string) {
  const used = await auth.tokens.consume('verify-email', token);
  const user = used && (await auth.accounts.findById(used.userId));
  // A link mailed to a former address proves nothing about the current one.
  if (!used || !user || user.email !== used.email) throw invalidLink();
  await auth.accounts.update(user.id, { verified: true });
  return user;
}

/** Mails a reset link if the address has an account; the answer is always true, and comes as fast either way. */
export async function requestPasswordReset(auth: UserAuth, email: string, http?: HttpExchange): Promise<boolean> {
  const address = requireEmail(email);
  await auth.throttle.consume(auth.throttle.mail(address, requestAddress(http)));
  auth.background(async () => {
    const user = await auth.accounts.findByEmail(address);
    if (!user) return;
    const token = await auth.tokens.issue('reset-password', user.id, address, auth.config.resetPasswordTtlMs);
    await auth.mailer.send(auth.mails.resetPassword(address, auth.config.resetPasswordUrl, token));
  });
  return true;
}

/**
 * Sets a new password with a mailed token. Every session of the user ends
 * (whoever knew the old password is out), every pending link dies, and the
 * address counts as verified (the link proved it).
 */
export async function resetPassword(auth: UserAuth, args: { token: string; newPassword: string }, http?: HttpExchange): Promise<boolean> {
  assertPasswordPolicy(args.newPassword, 'newPassword');
  const used = await auth.tokens.consume('reset-password', args.token);
  const user = used && (await auth.accounts.findById(used.userId));
  if (!used || !user || user.email !== used.email) throw invalidLink();
  await auth.accounts.update(user.id, { passwordHash: await hashPassword(args.newPassword), verified: true });
  await auth.sessions.revokeAll(user.id);
  await auth.tokens.revokeAll(user.id);
  await auth.throttle.clear(auth.throttle.account(user.email));
  clearSessionCookie(http, auth.config);
  return true;
}
