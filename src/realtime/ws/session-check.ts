import { CloseCode } from 'graphql-ws';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Viewer } from '../../auth/viewer.ts';
import { AppError } from '../../errors.ts';

export interface SessionCheckOptions {
  socket: WebSocket;
  /** Who the connection was opened as. */
  viewer: Viewer;
  /** Resolves the connection's credentials again (throws an AppError when they are refused). */
  resolve: () => Promise<Viewer>;
  /** How often. */
  intervalMs: number;
  log: Logger;
}

const same = (a: Viewer, b: Viewer) =>
  a.kind === 'user' && b.kind === 'user' ? a.id === b.id && a.role === b.role && a.sessionId === b.sessionId : a.kind === b.kind;

/**
 * Checks a signed-in websocket's session every `intervalMs` for as long as
 * the socket is open. A session that was revoked or expired, or whose user
 * is gone, closes the socket 4401 (graphql-ws clients do not retry it: the
 * user signs in again); a user whose role changed is closed 4403, which
 * clients retry, connecting again as who they are now. An outage of the
 * check itself (the database is down) keeps the socket: it is logged and
 * tried again on the next tick.
 */
export function watchSession({ socket, viewer, resolve, intervalMs, log }: SessionCheckOptions): void {
  if (viewer.kind !== 'user') return;
  let checking = false;
  const timer = setInterval(async () => {
    if (checking) return;
    checking = true;
    try {
      const now = await resolve().catch((error: unknown) => {
        if (error instanceof AppError) return null;
        throw error;
      });
      if (!now || now.kind !== 'user' || now.sessionId !== viewer.sessionId) socket.close(CloseCode.Unauthorized, 'Unauthorized: the session ended');
      else if (!same(now, viewer)) socket.close(CloseCode.Forbidden, 'Forbidden: the session changed, connect again');
    } catch (error) {
      log.warn({ err: error }, 'realtime: checking a websocket session failed; trying again later');
    } finally {
      checking = false;
    }
  }, intervalMs);
  timer.unref();
  socket.once('close', () => clearInterval(timer));
}
