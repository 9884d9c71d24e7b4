import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/** A listening HTTP server. */
export interface Listening {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  /** Stops accepting connections and resolves once in-flight requests finished (or `graceMs` passed). */
  close(graceMs?: number): Promise<void>;
}

/** Starts Node's HTTP server for `handler` on host:port (port 0 picks a free one). */
export function listen(handler: RequestListener, host: string, port: number): Promise<Listening> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            force.unref();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}

/**
 * Runs `shutdown` once on SIGTERM or SIGINT: stop accepting, let in-flight
 * requests finish, close the database pool, then exit.
 */
export function onShutdown(log: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    shutdown().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => handle('SIGTERM'));
  process.once('SIGINT', () => handle('SIGINT'));
}
