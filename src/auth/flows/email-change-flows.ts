import { AppError, badInput } from '../../base/errors.ts';
import type { UserAuth } from '../auth-core.ts';
import { requestAddress } from '../http/request-address.ts';
import { verifyPassword } from '../passwords/passwords.ts';
import { isConflict, requireEmail } from '../users/user-accounts.ts';
import type { Viewer } from '../../base/viewer.ts';
import { invalidLink } from './recovery-flows.ts';
import { requireUser } from './session-flows.ts';
import type { HttpExchange } from '../../base/context.ts';

/**
 * Starts changing the signed-in viewer's email address. Users with a
 * password confirm it first (a stolen session alone cannot move the
 * account to another mailbox). The answer is `true` whether or not the new
 * address is taken: the current address is told of the request either way,
 * and only a free address gets the confirmation link, mailed in the
 * background so timing does not tell either. Nothing changes until the link
 * is used, so sign-in keeps working with the current address only.
 */
export async function requestEmailChange(auth: UserAuth, viewer: Viewer, args: { newEmail: string; password?: string | null }, http?: HttpExchange): Promise<boolean> {
  const me = requireUser(viewer);
  const newEmail = requireEmail(args.newEmail, 'newEmail');
  const ip = requestAddress(http);
  const buckets = [auth.throttle.account(me.email), auth.throttle.ip(ip)];
  // Counted before the password is checked, so concurrent guesses cannot outrun the limit.
  await auth.throttle.attempt(buckets);
  const user = await auth.accounts.findById(me.id);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in to do this');
  if (user.passwordHash !== null && !(await verifyPassword(user.passwordHash, args.password ?? ''))) {
    throw badInput('The password is wrong', { argument: 'password' });
  }
  await auth.throttle.release(buckets);
  if (newEmail === user.email) return true;
  await auth.throttle.consume(auth.throttle.mail(newEmail, ip));
  auth.background(async () => {
    await auth.mailer.send(auth.mails.emailChangeRequested(user.email, newEmail));
    if (await auth.accounts.findByEmail(newEmail)) return; // taken: its owner gets nothing, the caller learns nothing
    const token = await auth.tokens.issue('change-email', user.id, newEmail, auth.config.verifyEmailTtlMs);
    await auth.mailer.send(auth.mails.confirmEmailChange(newEmail, auth.config.changeEmailUrl, token));
  });
  return true;
}

/**
 * Confirms a new address with the mailed token: sets it and marks it
 * verified in one write. If the address got an account meanwhile, the link
 * is refused like any dead link. Links mailed to the former address
 * (verification, reset) die with it; sessions stay, since the password did
 * not change and the address's owner just proved control of it.
 */
export async function confirmEmailChange(auth: UserAuth, token: string): Promise<boolean> {
  const used = await auth.tokens.consume('change-email', token);
  const user = used && (await auth.accounts.findById(used.userId));
  if (!used || !user) throw invalidLink();
  try {
    await auth.accounts.update(user.id, { email: used.email, verified: true });
  } catch (error) {
    if (isConflict(error)) throw invalidLink();
    throw error;
  }
  await auth.tokens.revokeAll(user.id);
  return true;
}
