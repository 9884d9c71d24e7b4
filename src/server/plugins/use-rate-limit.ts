import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { ADMIN_SECRET_HEADER } from '../../auth/admin-secret.ts';
import { registerUpgradeLimit } from '../../auth/throttle/upgrade-limits.ts';
import type { Viewer } from '../../base/viewer.ts';
import { limitedBody, type RequestLimits, requestsLimited } from '../request-limits.ts';

/** What the limits read from an operation's context. */
interface OperationContext {
  /** The fetch Request: present for HTTP, absent on websockets. */
  request?: Request;
  /** Node's request: the HTTP request, or a websocket's upgrade request; absent in process. */
  req?: IncomingMessage;
  viewer?: Viewer;
}

const forwardedOf = (req: IncomingMessage) => {
  const value = req.headers['x-forwarded-for'];
  return Array.isArray(value) ? value.join(', ') : value;
};
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * Request limits of the whole API (see {@link RequestLimits}): every HTTP
 * request (GraphQL over HTTP and SSE, /rest, /functions, OAuth routes) and
 * every websocket connection attempt and subscribe message counts toward its
 * client address; every operation of a signed-in user also counts toward that
 * user, whatever the address. Health probes, the admin secret and in-process
 * calls (no TCP peer) are not counted, nor again a request the read lane
 * counted before handing it over. Over a limit: HTTP 429, `RATE_LIMITED`,
 * `Retry-After` and `extensions.retryAfterSeconds`, before any other work.
 */
export function useRateLimit(limits: RequestLimits | null): Plugin {
  if (!limits) return {};
  const { byAddress, perUser, exempt, counted } = limits;
  // An HTTP operation from the network: per user (its address was counted in onRequest).
  const httpOperation = ({ request, req, viewer }: OperationContext) =>
    request && req?.socket?.remoteAddress && counted.get(req) !== 'user' ? perUser(viewer) : null;
  // A websocket operation (its context has the upgrade request, not a fetch Request): per address, then per user.
  const websocketOperation = async ({ req, viewer }: OperationContext): Promise<number | null> => {
    const peer = req?.socket?.remoteAddress;
    if (!peer || viewer?.kind === 'service') return null;
    return (await byAddress(peer, forwardedOf(req!))) ?? (await perUser(viewer));
  };

  // The websocket endpoint finds this check by its app's `config.rateLimit` (rateLimitUpgrade).
  registerUpgradeLimit(limits.config, (request) => {
    const peer = request.socket.remoteAddress;
    return peer ? byAddress(peer, forwardedOf(request)) : Promise.resolve(null);
  });

  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      const req = (serverContext as { req?: IncomingMessage } | undefined)?.req;
      const peer = req?.socket?.remoteAddress;
      if (!peer || counted.has(req!) || PROBES.has(url.pathname) || exempt(request.headers.get(ADMIN_SECRET_HEADER))) return;
      const wait = await byAddress(peer, request.headers.get('x-forwarded-for'));
      if (wait === null) return;
      endResponse(new fetchAPI.Response(limitedBody(wait), { status: 429, headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(wait) } }));
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
