import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Auth } from '../../auth/create-auth.ts';
import { rateLimitUpgrade } from '../../auth/throttle/upgrade-limits.ts';
import type { Viewer } from '../../base/viewer.ts';
import type { RealtimeConfig, TransportConfig } from '../../base/config.ts';
import { AppError } from '../../base/errors.ts';
import { createOriginCheck, isSameOrigin } from '../../server/allowed-origins.ts';
import { type TransportHooks, transportKey } from '../../realtime/transport-hooks.ts';
import { realtimeOf } from '../../realtime/create-realtime.ts';
import { resolveConnectionViewer } from './connection-viewer.ts';
import { expiredCursorErrors } from './expired-cursor.ts';
import { watchSession } from '../../realtime/session-watch.ts';
import { isShareable, SharedOperations } from './shared-operations.ts';
import { metrics } from '../../metrics/metrics.ts';

/** The part of an app the websocket endpoint serves from. */
export interface WebSocketApp {
  yoga: { getEnveloped: (initial: Record<string | symbol, unknown>) => any };
  config: { graphqlPath: string; realtime: RealtimeConfig; transport: TransportConfig; rateLimit?: object };
  auth?: Auth;
  log: Logger;
}

export interface AttachWebSocketOptions {
  server: Server;
  /** The app serving each new connection; `strata dev` swaps it on schema change. */
  app: () => WebSocketApp;
  log: Logger;
}

/** graphql-ws over `ws` on the HTTP server's port and GraphQL path. */
export interface WebSocketEndpoint {
  /** Open websocket connections. */
  readonly connections: number;
  /** Subscriptions executed once for several identical readers (see {@link SharedOperations}). */
  shared(): { operations: number; readers: number };
  /** Calls `listener` after every connection opens or closes, and every shared reader joins or leaves (metrics, tests). */
  watch(listener: () => void): () => void;
  /** Closes every connection (1012 after a reload, 1001 on shutdown); graphql-ws clients reconnect on both. */
  closeAll(code: number, reason: string): void;
  /** Closes every connection with 1001 and stops accepting upgrades; clients that do not answer within `graceMs` are cut. */
  close(graceMs?: number): Promise<void>;
}

type Extra = { socket: WebSocket; request: IncomingMessage; viewer?: Viewer; hooks?: TransportHooks };

/** Close codes beyond graphql-ws's own (4400, 4401, 4403, 4408, 4409, 4429...). */
export const closeCodes = {
  /** The client reads too slowly; standard "Try Again Later": graphql-ws clients retry (4429 would stop them). */
  tooSlow: 1013,
  /** The API was reloaded (`strata dev`). */
  restart: 1012,
  goingAway: 1001,
} as const;

const originChecks = new WeakMap<TransportConfig, (origin: string) => boolean>();

/**
 * Refuses cross-site websocket hijacking: a browser sends the page's
 * `Origin` and the site's cookies with an upgrade, and CORS does not apply
 * to websockets. An upgrade carrying cookies must come from the server's own
 * origin or one of `STRATA_CORS_ORIGINS`; one without cookies (non-browser
 * clients, or credentials in `connection_init`) or without `Origin` passes.
 */
function isUpgradeAllowed(request: IncomingMessage, transport: TransportConfig): boolean {
  const origin = request.headers.origin;
  if (!origin || !request.headers.cookie) return true;
  let allowed = originChecks.get(transport);
  if (!allowed) originChecks.set(transport, (allowed = createOriginCheck(transport.corsOrigins)));
  const forwarded = request.headers['x-forwarded-host'];
  return allowed(origin) || isSameOrigin(origin, request.headers.host, Array.isArray(forwarded) ? forwarded.join(',') : forwarded);
}

/**
 * Serves GraphQL over websockets (graphql-ws protocol) next to HTTP. Every
 * operation runs through the yoga instance's envelop (`getEnveloped`), so the
 * websocket gets the same plugins, masking and context as HTTP. The viewer
 * is resolved at `connection_init`; a signed-in viewer's session is checked
 * again every `sessionCheckMs` (see `watchSession`).
 */
export function attachWebSocket({ server, app, log }: AttachWebSocketOptions): WebSocketEndpoint {
  const initial = app().config;
  const wss = new WebSocketServer({ noServer: true, maxPayload: initial.realtime.maxPayloadBytes });
  const unwatchGauge = metrics.gauge('strata_websocket_connections', () => wss.clients.size);
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname !== app().config.graphqlPath) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    // A browser's cookie-carrying upgrade from a foreign origin is refused (cross-site websocket hijacking).
    if (!isUpgradeAllowed(request, app().config.transport)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // Connection attempts count toward the client's API rate limit (useRateLimit).
    void rateLimitUpgrade(app().config.rateLimit, request).then((wait) => {
      if (wait === null) wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
      else socket.end(`HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${wait}\r\nConnection: close\r\n\r\n`);
    });
  };
  server.on('upgrade', onUpgrade);

  const settings = initial.realtime;
  const watchers = new Set<() => void>();
  const notify = () => watchers.forEach((watcher) => watcher());
  const shared = new WeakMap<WebSocketApp, SharedOperations>();
  const sharedFor = (current: WebSocketApp) => {
    let registry = shared.get(current);
    if (!registry) shared.set(current, (registry = new SharedOperations(log, notify)));
    return registry;
  };
  const served = useServer<Record<string, unknown> | undefined, Extra>(
    {
      connectionInitWaitTimeout: settings.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        const current = app();
        try {
          const viewer = await resolveConnectionViewer(current.auth, request, ctx.connectionParams);
          if (current.config.realtime.requireAuthentication && viewer.kind === 'anonymous') {
            socket.close(CloseCode.Unauthorized, 'Unauthorized: sign in first');
            return false;
          }
          ctx.extra.viewer = viewer;
          // A session that ends closes 4401 (clients do not retry: sign in again); a changed role 4403 (clients reconnect as who they are now).
          const stop = watchSession({
            viewer,
            resolve: () => resolveConnectionViewer(app().auth, request, ctx.connectionParams),
            intervalMs: current.config.realtime.sessionCheckMs,
            onChange: (change) =>
              change === 'ended'
                ? socket.close(CloseCode.Unauthorized, 'Unauthorized: the session ended')
                : socket.close(CloseCode.Forbidden, 'Forbidden: the session changed, connect again'),
            log,
          });
          socket.once('close', stop);
          ctx.extra.hooks = {
            onOverflow: (pending) => {
              log.warn({ pending }, 'realtime: websocket client too slow, closing it');
              socket.close(closeCodes.tooSlow, 'Too slow: events were waiting');
            },
          };
          return true;
        } catch (error) {
          if (!(error instanceof AppError)) log.error({ err: error }, 'realtime: resolving a websocket viewer failed');
          socket.close(CloseCode.Forbidden, error instanceof AppError ? error.message.slice(0, 120) : 'Forbidden');
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const current = app();
        const max = current.config.realtime.maxSubscriptionsPerConnection;
        if (Object.keys(ctx.subscriptions).length > max) {
          return [new GraphQLError(`Too many operations on this connection (at most ${max})`, { extensions: { code: 'RATE_LIMITED' } })];
        }
        const { viewer, hooks, request, socket } = ctx.extra;
        const enveloped = (initial: Record<string | symbol, unknown>) => current.yoga.getEnveloped({ params: payload, viewer, ...initial });
        // Parse and validation errors (query limits throw from there) fail the operation, never the connection.
        try {
          const { schema, execute, subscribe, contextFactory, parse, validate } = enveloped({ req: request, socket, [transportKey]: hooks });
          const document = parse(payload.query);
          const errors = validate(schema, document);
          if (errors.length) return errors;
          const args = { schema, operationName: payload.operationName, document, variableValues: payload.variables };
          const share = isShareable(document, payload.operationName)
            ? {
                key: JSON.stringify([viewer, payload.query, payload.operationName ?? null, payload.variables ?? {}]),
                registry: sharedFor(current),
                // The shared execution belongs to no connection: no socket, no transport hooks in its context.
                start: async () => {
                  const shared = enveloped({});
                  return shared.subscribe({ ...args, contextValue: await shared.contextFactory() });
                },
                options: {
                  queueSize: current.config.realtime.queueSize,
                  graceMs: current.config.realtime.slowConsumerGraceMs,
                  onOverflow: hooks?.onOverflow,
                },
              }
            : undefined;
          const contextValue = await contextFactory();
          // An expired `after` fails the operation with an `error` message (clients' error handler), not a `next` without data.
          const expired = expiredCursorErrors(() => realtimeOf(contextValue).hub, document, payload.operationName, payload.variables);
          if (expired) return expired;
          return { ...args, contextValue, rootValue: { execute, subscribe, share } };
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          log.error({ err: error }, 'realtime: preparing a websocket operation failed');
          return [new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
        }
      },
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => {
        const { share, subscribe } = args.rootValue;
        return share ? share.registry.join(share.key, share.start, share.options) : subscribe(args);
      },
    },
    wss,
    settings.keepAliveMs,
  );

  // graphql-ws logs socket errors with console.error; they are the client's doing (e.g. a message over
  // maxPayload, which ws already answered with 1009): log them at debug level instead.
  wss.on('connection', (socket: WebSocket) => {
    socket.removeAllListeners('error');
    socket.on('error', (error) => log.debug({ err: error }, 'realtime: websocket error'));
    // ws drops the socket from wss.clients on close, before this listener (registered later) runs.
    socket.once('close', notify);
    notify();
  });

  const closeAll = (code: number, reason: string) => {
    for (const client of wss.clients) client.close(code, reason);
  };
  return {
    get connections() {
      return wss.clients.size;
    },
    shared: () => sharedFor(app()).stats(),
    watch(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    closeAll,
    async close(graceMs = 2000) {
      unwatchGauge();
      server.off('upgrade', onUpgrade);
      const force = setTimeout(() => wss.clients.forEach((client) => client.terminate()), graceMs);
      force.unref();
      await served.dispose();
      clearTimeout(force);
    },
  };
}
