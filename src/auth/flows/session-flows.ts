import { AppError } from '../../base/errors.ts';
import type { UserAuth } from '../auth-core.ts';
import { clearSessionCookie, setSessionCookie } from '../http/session-cookie.ts';
import { publicSessionId } from '../sessions/session-store.ts';
import type { AccountRow } from '../users/user-accounts.ts';
import type { Viewer } from '../../base/viewer.ts';
import type { HttpExchange } from '../../base/context.ts';

/** What `AuthPayload` resolves from: the token (shown once), its expiry, the user's id and viewer. */
export interface SessionGrant {
  token: string;
  expiresAt: Date;
  userId: string | number;
  /** The viewer this session stands for; the rest of the operation runs as it. */
  viewer: Viewer;
}

/** A session as its owner sees it. */
export interface SessionInfo {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  current: boolean;
}

/** The signed-in user's viewer, or UNAUTHENTICATED. */
export function requireUser(viewer: Viewer): Extract<Viewer, { kind: 'user' }> {
  if (viewer.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'Sign in to do this');
  return viewer;
}

/** Creates a session and sets its cookie on the HTTP response (if any). */
export async function startSession(auth: UserAuth, http: HttpExchange | undefined, user: AccountRow): Promise<SessionGrant> {
  const { token, session } = await auth.sessions.create(user.id);
  setSessionCookie(http, auth.config, token, session.expiresAt, auth.clock.now());
  const viewer: Viewer = { kind: 'user', id: user.id, email: user.email, role: user.role, sessionId: session.id };
  return { token, expiresAt: session.expiresAt, userId: user.id, viewer };
}

/** Ends the current session; true even when there was none (signing out twice is fine). */
export async function signOut(auth: UserAuth, viewer: Viewer, http?: HttpExchange): Promise<boolean> {
  if (viewer.kind === 'user') await auth.sessions.revoke(viewer.sessionId);
  clearSessionCookie(http, auth.config);
  return true;
}

/** Ends every session of the viewer, this one included; returns how many ended. */
export async function signOutEverywhere(auth: UserAuth, viewer: Viewer, http?: HttpExchange): Promise<number> {
  const user = requireUser(viewer);
  const count = await auth.sessions.revokeAll(user.id);
  clearSessionCookie(http, auth.config);
  return count;
}

/** The viewer's live sessions (the admin secret has none). */
export async function listSessions(auth: UserAuth, viewer: Viewer): Promise<SessionInfo[]> {
  if (viewer.kind === 'service') return [];
  const user = requireUser(viewer);
  const sessions = await auth.sessions.list(user.id);
  return sessions.map((s) => ({ id: publicSessionId(s.id), createdAt: s.createdAt, expiresAt: s.expiresAt, current: s.id === user.sessionId }));
}

/** Revokes one of the viewer's sessions by the id `viewerSessions` shows; NOT_FOUND for anyone else's. */
export async function revokeSession(auth: UserAuth, viewer: Viewer, id: string, http?: HttpExchange): Promise<boolean> {
  const user = requireUser(viewer);
  if (!(await auth.sessions.revokeByPublicId(user.id, id))) throw new AppError('NOT_FOUND', 'Session not found');
  if (publicSessionId(user.sessionId) === id) clearSessionCookie(http, auth.config);
  return true;
}
