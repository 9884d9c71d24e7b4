import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { anonymous, type Viewer } from '../auth/viewer.ts';
import type { Config } from '../config.ts';
import { nullSink } from '../realtime/change-event.ts';
import type { Context, PrismaLike } from '../context.ts';
import { createMaskError } from './mask-error.ts';
import { useHealth } from './plugins/use-health.ts';
import { useQueryLimits } from './plugins/use-query-limits.ts';

/** Headers whose presence proves a request was preflighted (yoga's, Apollo Client's, and GraphQL over HTTP's). */
const csrfHeaders = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name', 'graphql-preflight'];

export interface CreateYogaOptions {
  config: Config;
  schema: GraphQLSchema;
  prisma: PrismaLike;
  log: Logger;
}

export type StrataYoga = YogaServerInstance<Record<string, unknown>, Context>;

/** The yoga instance with Strata's plugins in their fixed order. */
export function createStrataYoga({ config, schema, prisma, log }: CreateYogaOptions): StrataYoga {
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: config.graphqlPath,
    graphiql: config.graphiql ? { title: 'Strata', shouldPersistHeaders: true } : false,
    landingPage: false,
    logging: log.child({ component: 'yoga' }),
    maskedErrors: { maskError: createMaskError(log) },
    // In-process callers (tests, internal jobs) may pass a viewer as server context; HTTP requests cannot.
    context: ({ request, viewer }: { request: Request; viewer?: Viewer }) => ({ prisma, log, request, viewer: viewer ?? anonymous, changes: nullSink }),
    plugins: [
      // Health probes answer before any GraphQL work and need no CSRF header.
      useHealth(prisma),
      // Refuse simple cross-site requests (forms, plain GETs) before parsing anything.
      useCSRFPrevention({ requestHeaders: csrfHeaders }),
      // Reject oversized or abusive documents during validation, before execution.
      useQueryLimits(config),
    ],
  });
}
