import type { Plugin } from 'graphql-yoga';
import { createOriginCheck } from '../allowed-origins.ts';

/**
 * CORS for every route yoga serves (GraphQL over HTTP and SSE, /functions,
 * /rest): only origins of `STRATA_CORS_ORIGINS` get `Access-Control-Allow-*`
 * headers, with credentials; any other origin gets none, so browsers refuse
 * its preflights and hide the responses. Unknown origins are never reflected
 * (yoga's own CORS answers them `Allow-Origin: null` with credentials, which
 * sandboxed frames match). Replaces yoga's `cors` option (set to false).
 */
export function useCors(origins: readonly string[]): Plugin {
  const allowed = createOriginCheck(origins);
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      // Safari needs content-length 0 on a 204 or waits for a body.
      if (request.method === 'OPTIONS') endResponse(new fetchAPI.Response(null, { status: 204, headers: { 'Content-Length': '0' } }));
    },
    onResponse({ request, response }) {
      // Answers differ by Origin: caches must keep them apart.
      response.headers.append('Vary', 'Origin');
      const origin = request.headers.get('origin');
      if (!origin || !allowed(origin)) return;
      response.headers.set('Access-Control-Allow-Origin', origin);
      response.headers.set('Access-Control-Allow-Credentials', 'true');
      if (request.method !== 'OPTIONS') return;
      // An allowed origin is trusted with any method and header (HTTP functions choose their own).
      response.headers.set('Access-Control-Allow-Methods', request.headers.get('access-control-request-method') ?? 'GET, POST');
      const asked = request.headers.get('access-control-request-headers');
      if (asked) response.headers.set('Access-Control-Allow-Headers', asked);
      response.headers.append('Vary', 'Access-Control-Request-Headers');
      response.headers.set('Access-Control-Max-Age', '600');
    },
  };
}
