import type { Plugin } from 'graphql-yoga';
import { AppError } from '../../base/errors.ts';

/** Content types browsers send cross-site without a CORS preflight ("simple" requests). */
const simpleContentTypes = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Refuses GraphQL requests a browser could send cross-site without a CORS
 * preflight (GETs, form and text/plain POSTs) unless they carry one of
 * `headers`, as yoga's `useCSRFPrevention` does, but with an AppError that
 * names the accepted headers (urql and plain `fetch` GETs hit this first)
 * and that is not logged as a server error: it is the client's to fix.
 */
export function useCsrfPrevention(headers: readonly string[]): Plugin {
  const message = `Required CSRF header(s) not present: send one of ${headers.join(', ')} (any value), or POST with Content-Type: application/json`;
  return {
    onRequestParse({ request }) {
      const type = request.headers.get('content-type')?.toLowerCase();
      if (type && !simpleContentTypes.some((simple) => type.startsWith(simple))) return;
      if (headers.some((header) => request.headers.has(header))) return;
      throw new AppError('FORBIDDEN', message, { http: { status: 403 } });
    },
  };
}
