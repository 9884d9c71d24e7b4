import type { Logger } from 'pino';
import { sessionChange, type Viewer } from '../base/viewer.ts';
import { AppError } from '../base/errors.ts';

export interface SessionWatchOptions {
  /** Who the subscription was opened as. */
  viewer: Viewer;
  /** Resolves the subscription's credentials again (throws an AppError when they are refused). */
  resolve: () => Promise<Viewer>;
  /** How often. */
  intervalMs: number;
  /** Called once, when the session ended (revoked, expired, user gone) or changed (another role). */
  onChange: (change: 'ended' | 'changed') => void;
  log: Logger;
}

/**
 * Checks a signed-in viewer's session every `intervalMs` for as long as a
 * subscription is open, whatever its transport: the websocket adapter closes
 * its socket on a change, SSE ends the stream (`useSessionCheck`). A failed
 * check (the database is down) changes nothing: it is logged and tried
 * again on the next tick. Returns the function that stops watching.
 */
export function watchSession({ viewer, resolve, intervalMs, onChange, log }: SessionWatchOptions): () => void {
  if (viewer.kind !== 'user') return () => {};
  let checking = false;
  const timer = setInterval(async () => {
    if (checking) return;
    checking = true;
    try {
      const now = await resolve().catch((error: unknown) => {
        if (error instanceof AppError) return null;
        throw error;
      });
      const change = sessionChange(viewer, now);
      if (change !== 'same') {
        clearInterval(timer);
        onChange(change);
      }
    } catch (error) {
      log.warn({ err: error }, 'realtime: checking a session failed; trying again later');
    } finally {
      checking = false;
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
