import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** A fresh random token: 20 bytes (160 bits) as lowercase base32, as the Lucia guide does. */
export function generateSecretToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** The SHA-256 (hex) of a token: the only form in which tokens are stored. */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** True for strings shaped like {@link generateSecretToken}'s output, so garbage never reaches the database. */
export function isTokenShaped(token: string): boolean {
  return /^[a-z2-7]{32}$/.test(token);
}
