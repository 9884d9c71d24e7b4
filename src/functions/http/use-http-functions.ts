import type { Plugin } from 'graphql-yoga';
import { toJson } from '../../base/json.ts';
import type { Logger } from 'pino';
import type { Viewer } from '../../base/viewer.ts';
import type { Context } from '../../base/context.ts';
import { AppError, fromPrismaError } from '../../base/errors.ts';
import type { HttpFunction, HttpFunctionContext } from '../define-http-function.ts';
import { passes, refusal } from '../resolver-kit.ts';
import { isAmbientCrossSiteRisk } from './ambient-csrf.ts';
import { errorResponse } from './json-response.ts';

export interface UseHttpFunctionsOptions {
  functions: (HttpFunction & { name: string })[];
  /** @default /functions */
  basePath?: string;
  /** The viewer of a request (the auth module's resolution; in-process callers may pass `viewer` as server context). */
  viewer(request: Request, serverContext: Record<string, unknown>): Promise<Viewer>;
  /** The rest of a function's context for a viewer. */
  context(viewer: Viewer, request: Request): Omit<HttpFunctionContext, 'request' | 'url' | 'subpath'>;
  log: Logger;
}

async function toResponse(result: unknown): Promise<Response> {
  if (result instanceof Response) return result;
  if (result === undefined) return new Response(null, { status: 204 });
  return Response.json(toJson(result));
}

/**
 * Serves `/functions/<name>` before any GraphQL work. Each function gets the
 * request's viewer (resolved like the API's), checks its declared access,
 * and its errors follow the API's rules: AppErrors (and mapped Prisma
 * errors) are answered with their code and status, anything else is logged
 * and answered 500 without its message.
 */
export function useHttpFunctions({ functions, basePath = '/functions', viewer, context, log }: UseHttpFunctionsOptions): Plugin {
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const prefix = `${basePath}/`;
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (!url.pathname.startsWith(prefix)) return;
      const rest = url.pathname.slice(prefix.length);
      const name = decodeURIComponent(rest.split('/')[0]);
      const fn = byName.get(name);
      if (!fn) return endResponse(errorResponse({ code: 'NOT_FOUND', message: `No function named "${name}"` }));
      const methods = (fn.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase());
      if (!methods.includes(request.method)) {
        return endResponse(new Response(null, { status: 405, headers: { allow: methods.join(', ') } }));
      }
      // Cookies ride along on cross-site form posts: such requests must prove a preflight, as GraphQL requests must.
      if (isAmbientCrossSiteRisk(request) && !['GET', 'HEAD'].includes(request.method)) {
        return endResponse(errorResponse({ code: 'FORBIDDEN', message: 'Required CSRF header(s) not present' }));
      }
      try {
        const server = serverContext as Record<string, unknown> & { viewer?: Viewer };
        const who = server.viewer ?? (await viewer(request, server));
        const base = context(who, request);
        if (!passes(base.context as Context, fn.access)) throw refusal({ viewer: who });
        const subpath = rest.slice(rest.split('/')[0].length);
        endResponse(await toResponse(await fn.handler(request, { ...base, request, url, subpath })));
      } catch (error) {
        const client = error instanceof AppError ? error : fromPrismaError(error);
        if (client) return endResponse(errorResponse(client));
        log.error({ err: error, function: name }, 'HTTP function failed');
        endResponse(errorResponse({ code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' }));
      }
    },
  };
}
