import WebSocket, { type ClientOptions } from 'ws';
import { deferred, within } from '../../support/deferred.ts';
import { EventStream } from './event-stream.ts';

/** A bare graphql-transport-ws socket, for protocol-level tests (timeouts, pings, payload size, slow reads). */
export function rawSocket(url: string, options: ClientOptions = {}) {
  const socket = new WebSocket(url, 'graphql-transport-ws', options);
  const opened = deferred();
  const closed = deferred<{ code: number; reason: string }>();
  const messages = new EventStream<any>();
  const pings = new EventStream<void>();
  socket.on('open', () => opened.resolve());
  socket.on('error', () => {});
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  socket.on('ping', () => pings.push());
  socket.on('close', (code, reason) => closed.resolve({ code, reason: String(reason) }));
  return {
    socket,
    messages,
    pings,
    opened: (ms = 10_000) => within(opened.promise, ms, 'the socket to open'),
    closed: (ms = 10_000) => within(closed.promise, ms, 'the socket to close'),
    send: (message: unknown) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    /** Opens, sends connection_init and waits for the ack. */
    async init(payload?: Record<string, unknown>) {
      await within(opened.promise, 10_000, 'the socket to open');
      socket.send(JSON.stringify({ type: 'connection_init', payload }));
      const ack = await messages.next();
      if (ack.type !== 'connection_ack') throw new Error(`expected connection_ack, got ${JSON.stringify(ack)}`);
    },
  };
}
