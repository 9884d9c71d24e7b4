import { type Client, type ClientOptions, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { deferred, within } from '../../support/deferred.ts';
import { EventStream } from './event-stream.ts';

export interface TestWsClient {
  client: Client;
  /** Starts an operation; its results arrive on the returned stream. */
  subscribe<T = any>(query: string, variables?: Record<string, unknown>): EventStream<T> & { dispose(): void; payload: { query: string; variables: Record<string, unknown> } };
  /** Resolves with the close event of the socket (code, reason). */
  closed(ms?: number): Promise<{ code: number; reason: string }>;
  /** Resolves once the client is connected and acknowledged. */
  connected(ms?: number): Promise<void>;
  dispose(): Promise<void>;
}

/** A real graphql-ws client over `ws` against `url`. No retries unless asked for. */
export function wsClient(url: string, options: Partial<ClientOptions> = {}): TestWsClient {
  let closed = deferred<{ code: number; reason: string }>();
  let connected = deferred();
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    ...options,
    on: {
      closed: (event: any) => {
        closed.resolve({ code: event.code, reason: String(event.reason) });
        connected = deferred();
      },
      connected: () => {
        connected.resolve();
        closed = deferred();
      },
      ...options.on,
    },
    onNonLazyError: () => {},
  });
  return {
    client,
    subscribe(query, variables = {}) {
      const stream = new EventStream() as EventStream & { dispose(): void; payload: { query: string; variables: Record<string, unknown> } };
      stream.payload = { query, variables };
      stream.dispose = client.subscribe(stream.payload, {
        next: (value) => stream.push(value),
        error: (error) => stream.finish(error),
        complete: () => stream.finish(),
      });
      return stream;
    },
    closed: (ms = 10_000) => within(closed.promise, ms, 'the websocket to close'),
    connected: (ms = 10_000) => within(connected.promise, ms, 'the websocket to connect'),
    dispose: async () => {
      await client.dispose();
    },
  };
}
