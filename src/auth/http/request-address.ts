// The client address resolved for each request (trusted proxies applied), for resolvers that throttle.
const addresses = new WeakMap<Request, string>();

/** Remembers the resolved client address of a request. */
export function rememberAddress(request: Request, address: string): void {
  addresses.set(request, address);
}

/** The client address of a request, or 'unknown' (in-process operations, websockets without one). */
export function requestAddress(request: Request | undefined): string {
  return (request && addresses.get(request)) || 'unknown';
}
