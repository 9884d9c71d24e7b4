/**
 * A predicate over the `Origin` header built from `STRATA_CORS_ORIGINS`
 * patterns: exact origins, or `scheme://host:*` for any port (or none) of
 * that scheme and host. Nothing else matches: no suffixes, no `null`.
 */
export function createOriginCheck(patterns: readonly string[]): (origin: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.endsWith(':*')));
  const anyPort = patterns.filter((p) => p.endsWith(':*')).map((p) => p.slice(0, -2));
  return (origin) => {
    if (exact.has(origin)) return true;
    const port = /:\d{1,5}$/.exec(origin);
    const base = port ? origin.slice(0, port.index) : origin;
    return anyPort.includes(base);
  };
}

/**
 * True when `origin` is the server's own (a page it served, e.g. GraphiQL):
 * its host equals the request's `Host` (or the proxy's `X-Forwarded-Host`).
 * Browsers set both headers themselves, so a foreign page cannot fake either.
 */
export function isSameOrigin(origin: string, host: string | undefined, forwardedHost?: string): boolean {
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const candidates = [host, ...(forwardedHost ?? '').split(',')].map((h) => h?.trim().toLowerCase()).filter(Boolean);
  return candidates.includes(originHost.toLowerCase());
}
