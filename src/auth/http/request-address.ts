import type { HttpExchange } from '../../base/context.ts';

/** Remembers the resolved client address of a request, for resolvers that throttle. */
export function rememberAddress(http: HttpExchange | undefined, address: string): void {
  if (http) http.address = address;
}

/** The client address of a request, or 'unknown' (in-process operations, websockets without one). */
export function requestAddress(http: HttpExchange | undefined): string {
  return http?.address || 'unknown';
}
