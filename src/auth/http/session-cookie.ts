import type { AuthConfig } from '../../base/config.ts';
import type { HttpExchange } from '../../base/context.ts';
import { queueCookie, serializeCookie } from './cookies.ts';

/**
 * The session cookie's name: `__Host-strata_session` with Secure cookies
 * (browsers then refuse it without HTTPS, Path=/ and no Domain), else
 * `strata_session`.
 */
export const sessionCookieName = (config: Pick<AuthConfig, 'secureCookies'>) =>
  config.secureCookies ? '__Host-strata_session' : 'strata_session';

/** Queues the session cookie for the response, living as long as the session. */
export function setSessionCookie(http: HttpExchange | undefined, config: AuthConfig, token: string, expiresAt: Date, now: Date): void {
  const maxAge = (expiresAt.getTime() - now.getTime()) / 1000;
  queueCookie(http, serializeCookie(sessionCookieName(config), token, { maxAge, secure: config.secureCookies }));
}

/** Queues the deletion of the session cookie. */
export function clearSessionCookie(http: HttpExchange | undefined, config: AuthConfig): void {
  queueCookie(http, serializeCookie(sessionCookieName(config), '', { maxAge: 0, secure: config.secureCookies }));
}
