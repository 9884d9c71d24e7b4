import { AppError } from '../base/errors.ts';
import { ADMIN_SECRET_HEADER, adminSecretMatches } from './admin-secret.ts';
import type { AuthCore } from './auth-core.ts';
import type { Bucket } from './throttle/throttle.ts';
import { readCookie } from './http/cookies.ts';
import { sessionCookieName } from './http/session-cookie.ts';
import { anonymous, type Viewer } from '../base/viewer.ts';

/**
 * Where credentials come from, whatever the transport. HTTP passes the
 * request's headers; a websocket server passes the upgrade request's headers
 * (for the cookie) and the graphql-ws `connection_init` payload.
 */
export interface ViewerSource {
  /** Request headers: `authorization`, `cookie`, `x-strata-admin-secret`. */
  headers?: Pick<Headers, 'get'> | Record<string, string | string[] | undefined>;
  /** A raw `Cookie` header, when headers are not at hand. */
  cookie?: string;
  /** A session token given directly (same as `Authorization: Bearer <token>`). */
  bearer?: string;
  /** graphql-ws `connection_init` payload: `{ authorization: 'Bearer …' }`, `{ token }` or `{ adminSecret }` (also under `headers`). */
  connectionParams?: Record<string, unknown> | null;
  /** The client's address, for throttling failed admin-secret attempts. @default 'unknown' */
  ip?: string;
}

/** A resolved viewer, and what the session cookie needs (HTTP only). */
export interface Authentication {
  viewer: Viewer;
  /** Re-send the cookie (the session was renewed), or clear it (it was invalid). */
  cookie?: { token: string; expiresAt: Date } | 'clear';
}

// These fail the whole request, so they also set the HTTP status (yoga reads `extensions.http`, and never sends it).
const unauthenticated = (message: string) =>
  new AppError('UNAUTHENTICATED', message, { http: { status: 401, headers: { 'www-authenticate': 'Bearer' } } });

async function assertOpen(auth: AuthCore, bucket: Bucket): Promise<void> {
  try {
    await auth.throttle.assertOpen([bucket]);
  } catch (error) {
    // Anything but RATE_LIMITED (a store failure has no `extensions`) propagates as it is, to be masked.
    if (!(error instanceof AppError) || error.code !== 'RATE_LIMITED') throw error;
    const { retryAfterSeconds } = error.extensions as { retryAfterSeconds?: number };
    throw new AppError('RATE_LIMITED', error.message, {
      retryAfterSeconds,
      http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
    });
  }
}

function header(headers: ViewerSource['headers'] | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Pick<Headers, 'get'>).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(', ') : value;
}

function credentials(source: ViewerSource, cookieName: string) {
  const params = source.connectionParams ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const paramHeaders = typeof params.headers === 'object' && params.headers ? (params.headers as Record<string, string>) : undefined;
  const adminSecret = str(params.adminSecret) ?? header(paramHeaders, ADMIN_SECRET_HEADER) ?? header(source.headers, ADMIN_SECRET_HEADER);
  const token = source.bearer ?? str(params.token);
  const authorization =
    (token !== undefined ? `Bearer ${token}` : undefined) ??
    str(params.authorization) ??
    str(params.Authorization) ??
    header(paramHeaders, 'authorization') ??
    header(source.headers, 'authorization');
  const cookieHeader = source.cookie ?? header(source.headers, 'cookie');
  return { adminSecret, authorization: authorization?.trim() || undefined, cookieToken: readCookie(cookieHeader, cookieName) };
}

/** The user behind a session token (one statement: the session joined with its user), or null when the token or its user is gone. */
async function sessionViewer(auth: AuthCore, token: string) {
  const accounts = auth.accounts;
  if (!auth.sessions || !accounts) return null;
  const found = await auth.sessions.validateWithUser(token, (id) => accounts.findById(id));
  if (!found) return null;
  const { valid, user } = found;
  if (!user) {
    await auth.sessions.revoke(valid.session.id);
    return null;
  }
  const viewer: Viewer = { kind: 'user', id: user.id, email: user.email, role: user.role, sessionId: valid.session.id };
  return { viewer, valid };
}

/**
 * Resolves who is asking, for any transport. Admin secret first (wrong or
 * empty → UNAUTHENTICATED, counted toward the client's failure throttle),
 * then an explicit bearer token (invalid → UNAUTHENTICATED), then the
 * session cookie (invalid → anonymous, and the cookie is cleared).
 */
export async function authenticate(auth: AuthCore, source: ViewerSource): Promise<Authentication> {
  const found = credentials(source, sessionCookieName(auth.config));
  if (found.adminSecret !== undefined) {
    const bucket = auth.throttle.ip(source.ip ?? 'unknown');
    await assertOpen(auth, bucket);
    if (adminSecretMatches(auth.config.adminSecret, found.adminSecret)) return { viewer: { kind: 'service' } };
    await auth.throttle.fail([bucket]);
    throw unauthenticated('Invalid admin secret');
  }
  if (found.authorization !== undefined) {
    const token = /^Bearer\s+(\S+)$/i.exec(found.authorization)?.[1];
    const user = token ? await sessionViewer(auth, token) : null;
    if (!user) throw unauthenticated('Invalid or expired session token');
    return { viewer: user.viewer };
  }
  if (found.cookieToken) {
    const user = await sessionViewer(auth, found.cookieToken);
    if (!user) return { viewer: anonymous, cookie: 'clear' };
    const { session, renewed } = user.valid;
    return { viewer: user.viewer, cookie: renewed ? { token: found.cookieToken, expiresAt: session.expiresAt } : undefined };
  }
  return { viewer: anonymous };
}
