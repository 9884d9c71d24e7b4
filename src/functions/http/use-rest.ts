import { useSofa } from '@graphql-yoga/plugin-sofa';
import { type GraphQLError, type GraphQLSchema, isScalarType, isSpecifiedScalarType } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isAmbientCrossSiteRisk } from './ambient-csrf.ts';
import { errorResponse, statusOf } from './json-response.ts';
import { useRestDocs } from './rest-docs.ts';
import { restSchema } from './rest-schema.ts';

export interface UseRestOptions {
  /** @default /rest */
  basePath?: string;
  /** Serve Swagger UI at `<basePath>/docs` (its files from npm, see {@link useRestDocs}). @default true */
  docs?: boolean;
  /** `info` of the OpenAPI document. */
  title?: string;
  version?: string;
}

/** JSON Schema of Strata's scalars in the OpenAPI document. */
const knownScalars: Record<string, object> = {
  DateTime: { type: 'string', format: 'date-time' },
  BigInt: { type: 'string', pattern: '^-?\\d+$' },
  Decimal: { type: 'string', pattern: '^-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?$' },
  Bytes: { type: 'string', format: 'byte' },
  JSON: {},
  Upload: { type: 'string', format: 'binary' },
};

/** JSON Schema of every custom scalar of `schema` (unknown ones accept anything). */
function scalarSchemas(schema: GraphQLSchema): Record<string, object> {
  const custom = Object.values(schema.getTypeMap()).filter((t) => isScalarType(t) && !isSpecifiedScalarType(t));
  return Object.fromEntries(custom.map((t) => [t.name, knownScalars[t.name] ?? {}]));
}

/** REST answers errors with the status of their code, in the GraphQL error shape. */
function errorHandler(errors: ReadonlyArray<unknown>): any {
  const list = errors as GraphQLError[];
  const status = Math.max(...list.map((e) => statusOf(e.extensions?.code)), 400);
  return Response.json({ errors: list.map((e) => ({ message: e.message, extensions: e.extensions ?? {} })) }, { status: list.length ? status : 500 });
}

/**
 * The generated CRUD and the custom operations as REST endpoints with an
 * OpenAPI document (`<basePath>/openapi.json`), via yoga's SOFA plugin:
 * each request runs through yoga's envelop (context and viewer, shield,
 * row and field rules, error masking), like a GraphQL request. SOFA's
 * subscription webhooks (`<basePath>/webhook`) are refused: they would
 * POST to any URL a client names. Results carry a model's columns, not its
 * relations (see {@link restSchema}).
 */
export function useRest({ basePath = '/rest', docs = true, title = 'Strata REST API', version = '1.0.0' }: UseRestOptions = {}): Plugin[] {
  const guard: Plugin = {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return;
      if (url.pathname === `${basePath}/webhook` || url.pathname.startsWith(`${basePath}/webhook/`)) {
        return endResponse(errorResponse({ code: 'NOT_FOUND', message: 'Subscriptions are not served over REST; use GraphQL over WebSocket or SSE' }));
      }
      // Cookies ride along on cross-site requests: such requests must prove a preflight, as GraphQL requests must.
      if (isAmbientCrossSiteRisk(request)) return endResponse(errorResponse({ code: 'FORBIDDEN', message: 'Required CSRF header(s) not present' }));
    },
  };
  // SOFA builds every route and the OpenAPI document when it gets a schema: do it on the first REST request, with the REST schema.
  let yoga: Parameters<NonNullable<Plugin['onYogaInit']>>[0] | undefined;
  let schema: GraphQLSchema | undefined;
  let sofa: Plugin | undefined;
  let built: GraphQLSchema | undefined;
  const lazy: Plugin = {
    onYogaInit(payload) {
      yoga = payload;
    },
    onSchemaChange({ schema: next }) {
      schema = next;
    },
    onRequest(payload) {
      if (payload.url.pathname !== basePath && !payload.url.pathname.startsWith(`${basePath}/`)) return;
      if (schema && built !== schema) {
        const served = restSchema(schema);
        sofa = useSofa({
          basePath,
          customScalars: scalarSchemas(served),
          errorHandler,
          openAPI: { endpoint: '/openapi.json', info: { title, version, description: 'Generated from the GraphQL API: the same operations, rules and errors.' } },
          // Swagger UI is served by useRestDocs: SOFA's page loads it from CDNs.
          swaggerUI: { endpoint: false as never },
        });
        if (yoga) sofa.onYogaInit?.(yoga);
        sofa.onSchemaChange?.({ schema: served, replaceSchema: () => {} });
        built = schema;
      }
      return sofa?.onRequest?.(payload);
    },
  };
  return docs ? [useRestDocs(basePath, title), guard, lazy] : [guard, lazy];
}
