/**
 * Who is making a request. Rules, hooks and audit code read it; it is
 * resolved once per request (HTTP) or connection (websocket).
 */
export type Viewer =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      /** The user's primary key. */
      id: string | number;
      email: string;
      /** The value of the user's role field, e.g. 'USER' or 'ADMIN'. */
      role: string;
      /** Id of the session that authenticated this request (the hash, never the token). */
      sessionId: string;
    }
  /** A caller holding the admin secret (`x-strata-admin-secret`): full access, no user account. */
  | { kind: 'service' };

export const anonymous: Viewer = { kind: 'anonymous' };

/** The role that may do everything. */
export const ADMIN_ROLE = 'ADMIN';

/** True for the admin secret and for users whose role is ADMIN. */
export function isAdmin(viewer: Viewer): boolean {
  return viewer.kind === 'service' || (viewer.kind === 'user' && viewer.role === ADMIN_ROLE);
}

/**
 * How a signed-in viewer's session stands when its credentials are resolved
 * again (`now`, null when they were refused): `ended` (revoked, expired, user
 * gone), `changed` (same session, another role), or `same`.
 */
export function sessionChange(before: Viewer, now: Viewer | null): 'same' | 'ended' | 'changed' {
  if (before.kind !== 'user') return 'same';
  if (!now || now.kind !== 'user' || now.sessionId !== before.sessionId) return 'ended';
  return now.id === before.id && now.role === before.role ? 'same' : 'changed';
}
