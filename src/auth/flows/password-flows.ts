import { AppError, badInput } from '../../base/errors.ts';
import type { UserAuth } from '../auth-core.ts';
import { requestAddress } from '../http/request-address.ts';
import { assertPasswordPolicy, hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from '../passwords/passwords.ts';
import { isConflict, normalizeEmail, requireEmail } from '../users/user-accounts.ts';
import type { Viewer } from '../../base/viewer.ts';
import { sendVerificationMail } from './recovery-flows.ts';
import { requireUser, type SessionGrant, startSession } from './session-flows.ts';
import type { HttpExchange } from '../../base/context.ts';

/** What signUp answers, the same whether or not the address already had an account. */
export interface SignUpResult {
  message: string;
  emailVerificationRequired: boolean;
}

/** Whether password sign-in waits for a verified address in this app. */
export const verificationRequired = (auth: UserAuth) => auth.config.requireVerifiedEmail && auth.user.hasEmailVerifiedAt;

/**
 * Registers an account without revealing whether the address was taken:
 * the answer is identical, and the address's owner gets a mail either way
 * (a verification link for a new account, an "you already have an account"
 * notice otherwise). No session is returned: it comes from `verifyEmail` (or
 * from `signIn` when verification is not required).
 */
export async function signUp(auth: UserAuth, args: { email: string; password: string; name?: string | null }, http?: HttpExchange): Promise<SignUpResult> {
  const email = requireEmail(args.email);
  assertPasswordPolicy(args.password);
  await auth.throttle.consume(auth.throttle.mail(email, requestAddress(http)));
  const passwordHash = await hashPassword(args.password);
  const register = async () => {
    const existing = await auth.accounts.findByEmail(email);
    if (existing) return auth.mailer.send(auth.mails.accountExists(email, auth.config.resetPasswordUrl));
    try {
      const user = await auth.accounts.create({ email, passwordHash, name: args.name });
      if (auth.user.hasEmailVerifiedAt) await sendVerificationMail(auth, user.id, email);
    } catch (error) {
      // Two sign-ups raced for the address: the loser is told like any duplicate.
      if (!isConflict(error)) throw error;
      await auth.mailer.send(auth.mails.accountExists(email, auth.config.resetPasswordUrl));
    }
  };
  const required = verificationRequired(auth);
  // With verification required the account's fate is settled out of band, so timing cannot tell it either.
  if (required) auth.background(register);
  else await register();
  return {
    message: required ? 'Check your inbox to confirm your email address.' : 'Account ready: sign in with your email and password.',
    emailVerificationRequired: required,
  };
}

/** The one error of every failed sign-in: unknown email, wrong password, unverified address. */
function invalidCredentials(auth: UserAuth): AppError {
  const hint = verificationRequired(auth) ? ' If you have just signed up, confirm your email address first: we have sent you a new link.' : '';
  return new AppError('UNAUTHENTICATED', `Invalid email or password.${hint}`);
}

/**
 * Password sign-in, throttled per account and per client address. Unknown
 * addresses cost the same argon2 run as wrong passwords and get the same
 * answer; so does a correct password on a not yet verified address (which
 * also re-sends the verification link).
 */
export async function signIn(auth: UserAuth, args: { email: string; password: string }, http?: HttpExchange): Promise<SessionGrant> {
  if ([...args.password].length > MAX_PASSWORD_LENGTH) throw badInput(`The password must have at most ${MAX_PASSWORD_LENGTH} characters`, { argument: 'password' });
  const email = normalizeEmail(args.email) ?? args.email.trim().toLowerCase();
  const ip = requestAddress(http);
  const buckets = [auth.throttle.account(email), auth.throttle.ip(ip)];
  // Counted before the password is checked, so concurrent attempts cannot all slip under the limit; a failure stays counted.
  await auth.throttle.attempt(buckets);
  const user = normalizeEmail(email) ? await auth.accounts.findByEmail(email) : null;
  const ok = await verifyPassword(user?.passwordHash, args.password);
  if (!ok || !user) throw invalidCredentials(auth);
  if (verificationRequired(auth) && !user.emailVerifiedAt) {
    auth.background(() => auth.throttle.consume(auth.throttle.mail(email, ip)).then(() => sendVerificationMail(auth, user.id, email), () => undefined));
    throw invalidCredentials(auth);
  }
  await auth.throttle.clear(buckets[0]);
  await auth.throttle.release([buckets[1]]);
  return startSession(auth, http, user);
}

/** Changes the viewer's password after checking the current one; every other session ends. */
export async function changePassword(auth: UserAuth, viewer: Viewer, args: { current: string; next: string }, http?: HttpExchange): Promise<boolean> {
  const me = requireUser(viewer);
  assertPasswordPolicy(args.next, 'next');
  const buckets = [auth.throttle.account(me.email), auth.throttle.ip(requestAddress(http))];
  await auth.throttle.attempt(buckets);
  const user = await auth.accounts.findById(me.id);
  if (!user || !(await verifyPassword(user.passwordHash, args.current))) throw badInput('The current password is wrong', { argument: 'current' });
  await auth.throttle.release(buckets);
  await auth.accounts.update(user.id, { passwordHash: await hashPassword(args.next) });
  await auth.sessions.revokeAll(user.id, me.sessionId);
  await auth.tokens.revokeAll(user.id, 'reset-password');
  return true;
}
