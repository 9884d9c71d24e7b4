import type { UserAuth } from '../auth-core.ts';
import { isConflict, normalizeEmail } from '../users/user-accounts.ts';
import type { OAuthProfile } from './oauth-provider.ts';

/** Why an OAuth sign-in could not be linked to a user. */
export type LinkFailure = 'no_email' | 'email_not_verified';

/**
 * Finds the user an OAuth identity belongs to, or makes one.
 * - a known identity signs in its user;
 * - an address that already has an account is linked ONLY when the
 *   provider says it verified the address; if that account had never
 *   verified it, its password, other links and sessions are dropped, since
 *   whoever set them may not own the address (pre-hijacking);
 * - otherwise a new user is created (default role), verified if the provider says so.
 */
export async function linkOAuthAccount(auth: UserAuth, provider: string, profile: OAuthProfile): Promise<{ userId: string | number } | { error: LinkFailure }> {
  const links = auth.prisma.strataOAuthAccount;
  const key = { provider_subject: { provider, subject: profile.subject } };
  const known = await links.findUnique({ where: key });
  if (known) {
    if (await auth.accounts.findById(known.userId)) return { userId: known.userId };
    await links.deleteMany({ where: { provider, subject: profile.subject } });
  }
  const email = profile.email ? normalizeEmail(profile.email) : null;
  if (!email) return { error: 'no_email' };
  const existing = await auth.accounts.findByEmail(email);
  let userId: string | number;
  if (existing) {
    if (!profile.emailVerified) return { error: 'email_not_verified' };
    if (!existing.emailVerifiedAt) {
      await auth.accounts.update(existing.id, { passwordHash: null, verified: true });
      await links.deleteMany({ where: { userId: existing.id } });
      await auth.sessions.revokeAll(existing.id);
      await auth.tokens.revokeAll(existing.id);
    }
    userId = existing.id;
  } else {
    userId = (await auth.accounts.create({ email, name: profile.name, verified: profile.emailVerified })).id;
  }
  try {
    await links.create({ data: { provider, subject: profile.subject, userId } });
  } catch (error) {
    if (!isConflict(error)) throw error; // a concurrent callback linked it first
  }
  return { userId };
}
