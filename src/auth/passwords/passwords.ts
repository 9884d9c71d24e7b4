import { hash, verify } from '@node-rs/argon2';
import { badInput } from '../../base/errors.ts';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
const options = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Shortest accepted password. */
export const MIN_PASSWORD_LENGTH = 8;
/** Longest accepted password, checked before hashing so huge inputs cost nothing. */
export const MAX_PASSWORD_LENGTH = 128;

/** Throws BAD_USER_INPUT unless the password has 8 to 128 characters. */
export function assertPasswordPolicy(password: string, argument = 'password'): void {
  if (password.length > MAX_PASSWORD_LENGTH * 2 || [...password].length > MAX_PASSWORD_LENGTH) {
    throw badInput(`The password must have at most ${MAX_PASSWORD_LENGTH} characters`, { argument });
  }
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw badInput(`The password must have at least ${MIN_PASSWORD_LENGTH} characters`, { argument });
  }
}

/** The argon2id hash (PHC string) of a password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, options as never);
}

let dummy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. Without a hash (unknown account,
 * OAuth-only user) it verifies against a dummy hash, so every answer costs
 * one argon2 run and timing does not tell which case happened.
 */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH * 4) return false;
  dummy ??= hashPassword('strata-dummy-password-for-timing');
  const target = stored ?? (await dummy);
  const ok = await verify(target, password).catch(() => false);
  return ok && !!stored;
}
