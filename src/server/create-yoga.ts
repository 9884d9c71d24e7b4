import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Auth } from '../auth/create-auth.ts';
import { anonymous, type Viewer } from '../base/viewer.ts';
import type { Config } from '../base/config.ts';
import { nullSink } from '../base/change-event.ts';
import type { Realtime } from '../realtime/create-realtime.ts';
import type { Context, HttpExchange, PrismaLike } from '../base/context.ts';
import type { Functions } from '../functions/create-functions.ts';
import { createMaskError } from './mask-error.ts';
import { useAuth } from './plugins/use-auth.ts';
import { useBodyLimit } from './plugins/use-body-limit.ts';
import { useCompiledReads } from './plugins/use-compiled-reads.ts';
import { useCors } from './plugins/use-cors.ts';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.ts';
import { renderGraphiQLPage, useGraphiQLAssets } from './plugins/use-graphiql.ts';
import { useHealth } from './plugins/use-health.ts';
import { useHttpExchange } from './plugins/use-http-exchange.ts';
import { useInputLimits } from './plugins/use-input-limits.ts';
import { useIntrospection } from './plugins/use-introspection.ts';
import { useMetrics } from './plugins/use-metrics.ts';
import { useQueryLimits } from './plugins/use-query-limits.ts';
import { useRateLimit } from './plugins/use-rate-limit.ts';
import { useSessionCheck } from './plugins/use-session-check.ts';
import { useUploads } from './plugins/use-uploads.ts';
import type { Storage } from '../storage/create-storage.ts';
import type { ReadEngine } from '../reads/create-read-engine.ts';
import type { LaneDocuments } from './read-lane/lane-documents.ts';
import { createRequestLimits, type RequestLimits } from './request-limits.ts';

/** Headers whose presence proves a request was preflighted (yoga's, Apollo Client's, and GraphQL over HTTP's). */
const csrfHeaders = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name', 'graphql-preflight'];

export interface CreateYogaOptions {
  config: Config;
  schema: GraphQLSchema;
  prisma: PrismaLike;
  log: Logger;
  /** Authentication; without it every request is anonymous. */
  auth?: Auth;
  /** Subscriptions and the change sink writes publish to; without it changes are dropped. */
  realtime?: Realtime;
  /** The app's HTTP functions and REST endpoints. */
  functions?: Functions;
  /** File storage; without it multipart uploads are refused. */
  storage?: Storage | null;
  /** The API's request limits (shared with the read lane). @default built from `config.rateLimit` */
  limits?: RequestLimits | null;
  /** The read compiler, and where the query texts it answered are handed to the read lane. @default none (graphql-js executes every read) */
  reads?: { engine: ReadEngine; documents: LaneDocuments | null } | null;
}

export type StrataYoga = YogaServerInstance<Record<string, unknown>, Context>;

/** The yoga instance with Strata's plugins in their fixed order. */
export function createStrataYoga({ config, schema, prisma, log, auth, realtime, functions, storage = null, limits, reads = null }: CreateYogaOptions): StrataYoga {
  const requestLimits = limits !== undefined ? limits : createRequestLimits({ config: config.rateLimit, limiter: auth?.throttle.limiter, trustedProxies: config.auth.trustedProxies, adminSecret: config.auth.adminSecret });
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: config.graphqlPath,
    // The title also fills GraphiQL's welcome text ("<title> is an in-browser tool for writing... queries").
    graphiql: config.graphiql ? { title: 'Strata GraphiQL', shouldPersistHeaders: true } : false,
    renderGraphiQL: renderGraphiQLPage,
    landingPage: false,
    // useCors below: yoga's answers unknown origins `Allow-Origin: null` with credentials.
    cors: false,
    logging: log.child({ component: 'yoga' }),
    // useBodyLimit below enforces it without piping every body through a stream.
    maxRequestBodySize: false,
    maskedErrors: { maskError: createMaskError(log) },
    // In-process callers (tests, internal jobs) may pass a viewer as server context; HTTP requests cannot.
    // Credentials (admin secret, bearer token, session cookie) resolve once per request; bad explicit ones fail it with UNAUTHENTICATED.
    context: async ({ request, viewer, ...server }: { request: Request; viewer?: Viewer; req?: { socket?: { remoteAddress?: string } }; http?: HttpExchange }) => ({
      prisma,
      log,
      request,
      http: server.http,
      viewer: viewer ?? (auth ? await auth.viewerForRequest(request, server) : anonymous),
      changes: realtime ?? nullSink,
    }),
    plugins: [
      // First, so the request log line, timing and span cover every other plugin; serves /metrics.
      useMetrics(config, log),
      // The request's shared state (client address, queued cookies) before any plugin resolves a viewer.
      useHttpExchange(),
      // CORS headers for allowed origins only, on every route (GraphQL, SSE, /functions, /rest); answers preflights.
      useCors(config.transport.corsOrigins),
      // Health probes answer before any GraphQL work and need no CSRF header.
      useHealth(prisma),
      // Requests over the per-address and per-user limits get 429 before any other work (probes above are never counted).
      useRateLimit(requestLimits),
      // GraphiQL's files, from npm (no CDN), and / leading to it: static GETs, like the page itself needing no CSRF header.
      ...(config.graphiql ? [useGraphiQLAssets(config.graphqlPath)] : []),
      // OAuth redirects are top-level GET navigations (no CSRF header possible); also sets queued session cookies.
      ...(auth ? [useAuth(auth)] : []),
      // Introspection and the REST API's OpenAPI document per STRATA_INTROSPECTION; before /rest serves the document.
      useIntrospection({
        mode: config.transport.introspection,
        viewerFor: async (request, server) => (auth ? auth.viewerForRequest(request, server) : anonymous),
        documentPaths: config.functions.rest ? ['/rest/openapi.json', '/rest/docs'] : [],
      }),
      // /functions/* and /rest/* are plain HTTP (CSRF below guards only GraphQL parsing): they check cookie requests for a preflight themselves.
      ...(functions ? functions.plugins() : []),
      // Refuse simple cross-site requests (forms, plain GETs) before parsing anything.
      useCsrfPrevention(csrfHeaders),
      // Streams multipart files to S3 before yoga's parser would buffer them; only preflighted requests, as CSRF prevention demands.
      useUploads({ storage, graphqlPath: config.graphqlPath, preflightHeaders: csrfHeaders }),
      // Bodies over the limit fail before they are parsed; after uploads, which replace multipart bodies.
      useBodyLimit(config.limits.maxRequestBytes),
      // Reject oversized or abusive documents during validation, before execution.
      useQueryLimits(config),
      // Strings, lists, nesting and size of arguments, variables included, before anything executes.
      useInputLimits(config.limits),
      // Subscriptions over SSE end when their session does (websockets check theirs per connection).
      ...(auth ? [useSessionCheck(auth, config.realtime.sessionCheckMs, log)] : []),
      // Last: generated reads skip graphql-js execution once every check above has passed (src/reads).
      useCompiledReads(reads?.engine ?? null, reads?.documents ?? null, log),
    ],
  });
}
