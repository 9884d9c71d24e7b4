import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Auth } from '../auth/create-auth.ts';
import { anonymous, type Viewer } from '../auth/viewer.ts';
import type { Config } from '../config.ts';
import { nullSink } from '../realtime/change-event.ts';
import type { Realtime } from '../realtime/create-realtime.ts';
import type { Context, PrismaLike } from '../context.ts';
import type { Functions } from '../functions/create-functions.ts';
import { createMaskError } from './mask-error.ts';
import { useAuth } from './plugins/use-auth.ts';
import { useBodyLimit } from './plugins/use-body-limit.ts';
import { useHealth } from './plugins/use-health.ts';
import { useMetrics } from './plugins/use-metrics.ts';
import { useQueryLimits } from './plugins/use-query-limits.ts';
import { useSessionCheck } from './plugins/use-session-check.ts';
import { useUploads } from './plugins/use-uploads.ts';
import type { Storage } from '../storage/create-storage.ts';

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
}

export type StrataYoga = YogaServerInstance<Record<string, unknown>, Context>;

/** The yoga instance with Strata's plugins in their fixed order. */
export function createStrataYoga({ config, schema, prisma, log, auth, realtime, functions, storage = null }: CreateYogaOptions): StrataYoga {
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: config.graphqlPath,
    graphiql: config.graphiql ? { title: 'Strata', shouldPersistHeaders: true } : false,
    landingPage: false,
    logging: log.child({ component: 'yoga' }),
    // useBodyLimit below enforces it without piping every body through a stream.
    maxRequestBodySize: false,
    maskedErrors: { maskError: createMaskError(log) },
    // In-process callers (tests, internal jobs) may pass a viewer as server context; HTTP requests cannot.
    // Credentials (admin secret, bearer token, session cookie) resolve once per request; bad explicit ones fail it with UNAUTHENTICATED.
    context: async ({ request, viewer, ...server }: { request: Request; viewer?: Viewer; req?: { socket?: { remoteAddress?: string } } }) => ({
      prisma,
      log,
      request,
      viewer: viewer ?? (auth ? await auth.viewerForRequest(request, server) : anonymous),
      changes: realtime ?? nullSink,
    }),
    plugins: [
      // First, so the request log line, timing and span cover every other plugin; serves /metrics.
      useMetrics(config, log),
      // Health probes answer before any GraphQL work and need no CSRF header.
      useHealth(prisma),
      // OAuth redirects are top-level GET navigations (no CSRF header possible); also sets queued session cookies.
      ...(auth ? [useAuth(auth)] : []),
      // /functions/* and /rest/* are plain HTTP (CSRF below guards only GraphQL parsing): they check cookie requests for a preflight themselves.
      ...(functions ? functions.plugins() : []),
      // Refuse simple cross-site requests (forms, plain GETs) before parsing anything.
      useCSRFPrevention({ requestHeaders: csrfHeaders }),
      // Streams multipart files to S3 before yoga's parser would buffer them; only preflighted requests, as CSRF prevention demands.
      useUploads({ storage, graphqlPath: config.graphqlPath, preflightHeaders: csrfHeaders }),
      // Bodies over the limit fail before they are parsed; after uploads, which replace multipart bodies.
      useBodyLimit(config.limits.maxRequestBytes),
      // Reject oversized or abusive documents during validation, before execution.
      useQueryLimits(config),
      // Subscriptions over SSE end when their session does (websockets check theirs per connection).
      ...(auth ? [useSessionCheck(auth, config.realtime.sessionCheckMs, log)] : []),
    ],
  });
}
