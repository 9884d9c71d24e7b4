/** Headers whose presence proves a request was preflighted (as for the GraphQL endpoint). */
export const preflightHeaders = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name', 'graphql-preflight'];

const simpleContentTypes = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * True when a request could have been sent cross-site by a browser with
 * the user's cookies and without a CORS preflight: it carries a cookie, and
 * neither a non-simple content type nor a preflight header. Bearer tokens
 * and the admin secret are never sent by browsers on their own, so requests
 * without cookies are not at risk.
 */
export function isAmbientCrossSiteRisk(request: Request): boolean {
  if (!request.headers.has('cookie')) return false;
  if (preflightHeaders.some((h) => request.headers.has(h))) return false;
  const type = request.headers.get('content-type')?.toLowerCase();
  return !type || simpleContentTypes.some((simple) => type.startsWith(simple));
}
