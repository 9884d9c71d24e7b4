import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { attachWebSocket, closeCodes } from './ws/attach-websocket.ts';
import type { App } from './create-app.ts';
import { listen } from './listen.ts';

/** An app served over HTTP and graphql-ws on one port. */
export interface ServedApp {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  /** The app answering requests now. */
  current(): App;
  /**
   * Answers with `next` from now on (the port stays open): websockets still
   * running operations of the old API are closed "Service Restart" so clients
   * reconnect, the old app is closed, and `next`'s background work starts.
   */
  swap(next: App): Promise<void>;
  /** Closes websockets, stops accepting and drains requests, then closes the current app. */
  close(): Promise<void>;
}

export interface ServeAppOptions {
  app: App;
  host: string;
  port: number;
  log: Logger;
}

/** Starts the background work an app runs where it is served: trigger delivery, schedules (unless `STRATA_WORKER=false`), backups. */
function startBackground(app: App): void {
  app.functions.startBackground();
  app.backups.start();
}

/**
 * Serves `app` the way `strata start` and `strata dev` both do: HTTP on
 * host:port, graphql-ws subscriptions on the same port and path, and the
 * app's background work. Rejects with the listen error (EADDRINUSE...) and
 * leaves `app` open then: closing it is the caller's.
 */
export async function serveApp({ app, host, port, log }: ServeAppOptions): Promise<ServedApp> {
  let current = app;
  const server = await listen((req: IncomingMessage, res: ServerResponse) => current.handle(req, res), host, port);
  const ws = attachWebSocket({ server: server.server, app: () => current, log });
  startBackground(current);
  return {
    url: server.url,
    current: () => current,
    async swap(next) {
      const previous = current;
      current = next;
      ws.closeAll(closeCodes.restart, 'API reloaded');
      // Background work runs in the current app only (the previous one stops its own in close()).
      await previous.close();
      startBackground(next);
    },
    async close() {
      await ws.close();
      await server.close();
      await current.close();
    },
  };
}
