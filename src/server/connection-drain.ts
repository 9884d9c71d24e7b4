import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface SocketState {
  /** Requests on this socket whose response has not finished. */
  active: Set<ServerResponse>;
  /** Pending check that closes the socket once it stayed idle. */
  linger?: NodeJS.Timeout;
}

// Headers given to writeHead() alone are not kept for getHeader(): then read the header block that was sent.
const contentType = (res: ServerResponse) =>
  String(res.getHeader('content-type') ?? /^content-type:\s*([^\r\n]*)/im.exec(String((res as { _header?: unknown })._header ?? ''))?.[1] ?? '');
const isStream = (res: ServerResponse) => /^(text\/event-stream|multipart\/mixed)/i.test(contentType(res));

/** What a graceful stop needs to know about every open connection. */
export interface ConnectionDrain {
  /** Registers a newly accepted connection. */
  add(socket: Socket): void;
  /** Registers a request before its handler runs. */
  track(req: IncomingMessage, res: ServerResponse): void;
  /** Starts draining: every response from now on says `Connection: close`, idle sockets go once they stay idle. */
  stop(): void;
  /** Destroys whatever is left (the grace period ran out). */
  destroyAll(): void;
}

/**
 * Tracks connections so a stop never resets a request the server accepted.
 * After {@link ConnectionDrain.stop}:
 * - a response whose headers are not sent yet (in flight, or a request read
 *   later from an already accepted connection) carries `Connection: close`,
 *   so Node closes its socket once it is sent and keep-alive clients go away;
 * - a socket with no request in progress is closed only after it stayed
 *   quiet (no request, no byte read) for `lingerMs`: a request already on
 *   its way, on a fresh connection or a pooled one, arrives first and is
 *   answered, with `Connection: close`;
 * - subscription streams (SSE, multipart) are ended: they would never finish.
 */
export function createConnectionDrain(lingerMs = 1000): ConnectionDrain {
  const sockets = new Map<Socket, SocketState>();
  let stopping = false;

  const closeWhenQuiet = (socket: Socket, state: SocketState) => {
    clearTimeout(state.linger);
    if (state.active.size > 0 || socket.destroyed) return;
    const bytesRead = socket.bytesRead;
    state.linger = setTimeout(() => {
      state.linger = undefined;
      if (state.active.size > 0 || socket.destroyed) return;
      // Node frees the HTTP parser of an upgraded socket: it is a websocket now, closed by its own endpoint.
      if ((socket as { parser?: unknown }).parser === null) return;
      // Bytes arrived meanwhile: a request is being parsed; look again later.
      if (socket.bytesRead !== bytesRead || socket.readableLength > 0) return closeWhenQuiet(socket, state);
      socket.destroy();
    }, lingerMs);
  };

  return {
    add(socket) {
      const state: SocketState = { active: new Set() };
      sockets.set(socket, state);
      socket.once('close', () => {
        clearTimeout(state.linger);
        sockets.delete(socket);
      });
      if (stopping) closeWhenQuiet(socket, state);
    },
    track(req, res) {
      const state = sockets.get(req.socket);
      if (stopping) res.setHeader('connection', 'close');
      if (!state) return;
      clearTimeout(state.linger);
      state.active.add(res);
      res.once('close', () => {
        state.active.delete(res);
        if (stopping) closeWhenQuiet(req.socket, state);
      });
    },
    stop() {
      if (stopping) return;
      stopping = true;
      for (const [socket, state] of sockets) {
        for (const res of state.active) {
          if (!res.headersSent) res.setHeader('connection', 'close');
          // A subscription stream never ends by itself: end it now; its client reconnects (to another instance) and replays.
          else if (isStream(res)) res.destroy();
        }
        closeWhenQuiet(socket, state);
      }
    },
    destroyAll() {
      for (const socket of sockets.keys()) socket.destroy();
    },
  };
}
