import { createHash, timingSafeEqual } from 'node:crypto';

/** The header that carries the admin secret over HTTP. */
export const ADMIN_SECRET_HEADER = 'x-strata-admin-secret';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares a presented admin secret with the configured one in constant
 * time: both are hashed first, so neither length nor content leaks through
 * timing. An empty or absent configured secret matches nothing.
 */
export function adminSecretMatches(expected: string | null, given: string): boolean {
  if (!expected) return false;
  return timingSafeEqual(digest(expected), digest(given)) && given.length > 0;
}
