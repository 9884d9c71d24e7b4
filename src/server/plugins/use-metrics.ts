import { type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { ADMIN_SECRET_HEADER, adminSecretMatches } from '../../auth/admin-secret.ts';
import type { Viewer } from '../../base/viewer.ts';
import type { Config } from '../../base/config.ts';
import { metrics, metricsRegistry, operationLabel } from '../../metrics/metrics.ts';
import { tracer } from '../../metrics/tracing.ts';

interface RequestState {
  started: number;
  span?: Span;
  operation?: string | null;
  type?: string;
  viewer?: Viewer['kind'];
  outcome?: string;
}

/** True when the request carries the metrics token (bearer) or the admin secret. */
function mayScrape(request: Request, config: Config): boolean {
  const { metricsToken } = config.monitoring;
  const secret = config.auth.adminSecret;
  if (!metricsToken && !secret) return config.mode !== 'production';
  const bearer = request.headers.get('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1] ?? '';
  if (metricsToken && adminSecretMatches(metricsToken, bearer)) return true;
  return adminSecretMatches(secret, request.headers.get(ADMIN_SECRET_HEADER) ?? '');
}

/** The outcome label of a result: `ok`, or the first error's code. */
function outcomeOf(result: unknown): string {
  const errors = (result as { errors?: readonly { extensions?: { code?: unknown } }[] } | null)?.errors;
  if (!errors?.length) return 'ok';
  const code = errors[0]!.extensions?.code;
  return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : 'ERROR';
}

/**
 * Observability of HTTP requests: one `info` log line per request
 * (operation, duration, status, viewer kind; never variables or headers),
 * request counts and durations per operation and outcome, a span around each
 * request that SQL and handler spans nest under, and the Prometheus endpoint
 * (when metrics are on; bearer `STRATA_METRICS_TOKEN` or the admin secret,
 * open without either only outside production).
 */
export function useMetrics(config: Config, log: Logger): Plugin {
  const states = new WeakMap<Request, RequestState>();
  const requestLog = log.child({ component: 'request' });
  return {
    instrumentation: {
      request: ({ request }, wrapped) => {
        const url = new URL(request.url);
        return tracer().startActiveSpan(`HTTP ${request.method} ${url.pathname}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': url.pathname } }, async (span) => {
          states.set(request, { started: performance.now(), span });
          try {
            await wrapped();
          } finally {
            span.end();
          }
        });
      },
    },
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!states.has(request)) states.set(request, { started: performance.now() });
      const registry = metricsRegistry();
      if (url.pathname !== config.monitoring.path || !config.monitoring.metrics || !registry) return;
      if (!mayScrape(request, config)) {
        endResponse(new fetchAPI.Response('unauthorized', { status: 401, headers: { 'www-authenticate': 'Bearer' } }));
        return;
      }
      endResponse(new fetchAPI.Response(await registry.metrics(), { status: 200, headers: { 'content-type': registry.contentType } }));
    },
    // Named at parse time, so operations failing validation are counted under their name too.
    onParse({ context }) {
      const { request, params } = context as { request?: Request; params?: { operationName?: string } };
      return ({ result }) => {
        const state = request && states.get(request);
        if (!state || !result || !('kind' in result) || result.kind !== 'Document') return;
        const operation = getOperationAST(result, params?.operationName);
        state.operation = operation?.name?.value ?? params?.operationName ?? null;
        state.type = operation?.operation ?? 'unknown';
      };
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const state = request && states.get(request);
      if (!state) return;
      const operation = getOperationAST(args.document, args.operationName);
      state.operation = operation?.name?.value ?? args.operationName ?? null;
      state.type = operation?.operation ?? 'unknown';
      state.viewer = (args.contextValue as { viewer?: Viewer }).viewer?.kind;
      state.span?.updateName(`graphql ${state.type} ${state.operation ?? 'anonymous'}`);
    },
    onResultProcess({ request, result }) {
      const state = states.get(request);
      if (state) state.outcome = Array.isArray(result) ? outcomeOf(result[0]) : outcomeOf(result);
    },
    onResponse({ request, response }) {
      const state = states.get(request);
      if (!state) return;
      const url = new URL(request.url);
      // Successful scrapes would drown the log; refused ones are worth seeing.
      if (url.pathname === config.monitoring.path && response.status === 200) return;
      const seconds = (performance.now() - state.started) / 1000;
      const graphql = url.pathname === config.graphqlPath;
      const outcome = state.outcome ?? (response.status < 400 ? 'ok' : `HTTP_${response.status}`);
      if (graphql) {
        const operation = operationLabel(state.operation);
        metrics.request(operation, state.type ?? 'unknown', outcome, seconds);
        if (outcome === 'RATE_LIMITED') metrics.rateLimited('graphql');
      }
      if (state.span && outcome !== 'ok') state.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      state.span?.setAttribute('http.response.status_code', response.status);
      // Load balancers probe health every few seconds: those lines only at debug.
      const level = url.pathname === '/healthz' || url.pathname === '/readyz' ? 'debug' : 'info';
      requestLog[level](
        {
          method: request.method,
          path: url.pathname,
          ...(graphql ? { operation: state.operation?.slice(0, 100) ?? null, type: state.type ?? null, outcome } : {}),
          status: response.status,
          durationMs: Math.round(seconds * 10_000) / 10,
          viewer: state.viewer ?? null,
        },
        'request',
      );
    },
  };
}
