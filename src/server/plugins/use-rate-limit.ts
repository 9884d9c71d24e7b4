import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { ADMIN_SECRET_HEADER, adminSecretMatches } from '../../auth/admin-secret.ts';
import { clientAddress, createProxyList } from '../../auth/throttle/client-address.ts';
import { registerUpgradeLimit } from '../../auth/throttle/upgrade-limits.ts';
import { MemoryRateLimiter, type RateLimiter } from '../../auth/throttle/rate-limiter.ts';
import type { Viewer } from '../../base/viewer.ts';
import type { RateLimitConfig } from '../../base/config.ts';
import { AppError } from '../../base/errors.ts';

export interface RateLimitOptions {
  config: RateLimitConfig;
  /** The counter store: the auth throttle's (Redis when `REDIS_URL` is set). @default a new in-memory store */
  limiter?: RateLimiter;
  /** Proxies whose `X-Forwarded-For` is believed (`STRATA_TRUSTED_PROXIES`). */
  trustedProxies: string[];
  /** Requests carrying this admin secret are not counted. */
  adminSecret: string | null;
}

/** The RATE_LIMITED error of an API limit; over HTTP with status 429 and `Retry-After` (yoga reads `extensions.http`, and never sends it). */
export function requestsLimited(retryAfterSeconds: number, http = true): AppError {
  return new AppError('RATE_LIMITED', 'Too many requests. Try again later.', {
    retryAfterSeconds,
    ...(http ? { http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } } } : {}),
  });
}

/** What the limits read from an operation's context. */
interface OperationContext {
  /** The fetch Request: present for HTTP, absent on websockets. */
  request?: Request;
  /** Node's request: the HTTP request, or a websocket's upgrade request; absent in process. */
  req?: IncomingMessage;
  viewer?: Viewer;
}

type Check = (key: string, limit: number) => Promise<number | null>;
const forwardedOf = (req: IncomingMessage) => {
  const value = req.headers['x-forwarded-for'];
  return Array.isArray(value) ? value.join(', ') : value;
};
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * Request limits of the whole API, on fixed windows of the shared counter
 * store: every HTTP request (GraphQL over HTTP and SSE, /rest, /functions,
 * OAuth routes) and every websocket connection attempt and subscribe message
 * counts toward its client address (trusted proxies applied); every operation
 * of a signed-in user also counts toward that user, whatever the address.
 * Health probes, the admin secret and in-process calls (no TCP peer) are not
 * counted. Over a limit: HTTP 429, `RATE_LIMITED`, `Retry-After` and
 * `extensions.retryAfterSeconds`, before any other work.
 */
export function useRateLimit({ config, limiter = new MemoryRateLimiter(), trustedProxies, adminSecret }: RateLimitOptions): Plugin {
  if (!config.enabled) return {};
  const isTrusted = createProxyList(trustedProxies);
  // Seconds to wait when `key` passed `limit`, else null.
  const check: Check = async (key, limit) => {
    const state = await limiter.hit(key, config.windowMs);
    return state.count > limit ? Math.max(1, Math.ceil(state.ttlMs / 1000)) : null;
  };
  const exempt = (secret: string | null | undefined) => secret != null && adminSecretMatches(adminSecret, secret);
  const byAddress = (peer: string, forwarded: string | null | undefined) => check(`api:ip:${clientAddress(peer, forwarded, isTrusted)}`, config.perAddress);
  const perUser = async (viewer: Viewer | undefined) =>
    viewer?.kind === 'user' ? check(`api:user:${viewer.id}`, config.perUser) : null;
  // An HTTP operation from the network: per user (its address was counted in onRequest).
  const httpOperation = ({ request, req, viewer }: OperationContext) => (request && req?.socket?.remoteAddress ? perUser(viewer) : null);
  // A websocket operation (its context has the upgrade request, not a fetch Request): per address, then per user.
  const websocketOperation = async ({ req, viewer }: OperationContext): Promise<number | null> => {
    const peer = req?.socket?.remoteAddress;
    if (!peer || viewer?.kind === 'service') return null;
    return (await byAddress(peer, forwardedOf(req!))) ?? (await perUser(viewer));
  };

  // The websocket endpoint finds this check by its app's `config.rateLimit` (rateLimitUpgrade).
  registerUpgradeLimit(config, (request) => {
    const peer = request.socket.remoteAddress;
    return peer ? byAddress(peer, forwardedOf(request)) : Promise.resolve(null);
  });

  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      const peer = (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket?.remoteAddress;
      if (!peer || PROBES.has(url.pathname) || exempt(request.headers.get(ADMIN_SECRET_HEADER))) return;
      const wait = await byAddress(peer, request.headers.get('x-forwarded-for'));
      if (wait === null) return;
      const { message, extensions } = requestsLimited(wait);
      const { http: _http, ...shown } = extensions;
      endResponse(fetchAPI.Response.json({ errors: [{ message, extensions: shown }] }, { status: 429, headers: { 'retry-after': String(wait) } }));
    },
    // Websocket subscribe messages: counted as their context is built, before graphql-ws may share the execution.
    async onContextBuilding({ context }) {
      const operation = context as OperationContext;
      if (operation.request || !operation.req) return;
      const wait = await websocketOperation(operation);
      if (wait !== null) throw requestsLimited(wait, false);
    },
    // HTTP operations (GraphQL, SSE, REST) of a signed-in user; their address was counted in onRequest.
    async onExecute({ args, setResultAndStopExecution }) {
      const wait = await httpOperation(args.contextValue as OperationContext);
      if (wait !== null) setResultAndStopExecution({ errors: [requestsLimited(wait)] });
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const wait = await httpOperation(args.contextValue as OperationContext);
      if (wait !== null) setResultAndStopExecution({ errors: [requestsLimited(wait)] });
    },
  };
}
