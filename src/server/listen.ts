import { createServer, type RequestListener, type Server } from 'node:http';
import { type AddressInfo, Server as NetServer } from 'node:net';
import type { Logger } from 'pino';
import { createConnectionDrain } from './connection-drain.ts';

/** A listening HTTP server. */
export interface Listening {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  /**
   * Stops accepting connections and resolves once every accepted request was
   * answered and every connection closed (see {@link createConnectionDrain});
   * connections still open after `graceMs` are destroyed.
   */
  close(graceMs?: number): Promise<void>;
}

// Connections the kernel completed but Node has not accepted yet would be reset when the listener closes:
// keep accepting until an event-loop turn brings none (bounded), then close it.
async function acceptBacklog(accepted: () => number): Promise<void> {
  for (let turn = 0, seen = -1; turn < 50 && (turn < 3 || seen !== accepted()); turn++) {
    seen = accepted();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Starts Node's HTTP server for `handler` on host:port (port 0 picks a free
 * one). Rejects with the server's error (EADDRINUSE, EACCES) when it cannot listen.
 */
export function listen(handler: RequestListener, host: string, port: number): Promise<Listening> {
  const drain = createConnectionDrain();
  let accepted = 0;
  const server = createServer((req, res) => {
    drain.track(req, res);
    handler(req, res);
  });
  server.on('connection', (socket) => {
    accepted += 1;
    drain.add(socket);
  });
  let closing: Promise<void> | undefined;
  const close = (graceMs: number) =>
    new Promise<void>((done) => {
      const force = setTimeout(() => drain.destroyAll(), graceMs);
      force.unref();
      drain.stop();
      void acceptBacklog(() => accepted).then(() =>
        // net.Server's close, not http.Server's: that one also drops connections that sent nothing yet (closeIdleConnections).
        NetServer.prototype.close.call(server, () => {
          clearTimeout(force);
          done();
        }),
      );
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
        close: (graceMs = 10_000) => (closing ??= close(graceMs)),
      });
    });
  });
}

/** A one-line explanation of why the server could not listen (no stack). */
export function listenErrorMessage(error: unknown, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `port ${port} on ${host} is already in use (EADDRINUSE): stop the other process or choose another port with --port or PORT`;
  if (code === 'EACCES') return `not allowed to listen on ${host}:${port} (EACCES): choose a port above 1023 or another host`;
  if (code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine (EADDRNOTAVAIL): check HOST`;
  return `cannot listen on ${host}:${port}: ${(error as Error).message}`;
}

/**
 * Runs `shutdown` once on SIGTERM or SIGINT: stop accepting, answer accepted
 * requests, close the database pool, then exit.
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
