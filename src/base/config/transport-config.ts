import type { Readers } from './readers.ts';

/** Who may run introspection queries and read the REST API's OpenAPI document. */
export type IntrospectionMode = 'all' | 'admin' | 'off';

/** How browsers and tools reach the API: CORS, websocket origins, introspection. */
export interface TransportConfig {
  /**
   * Origins a browser may call the API from with the user's cookies (CORS
   * over HTTP and SSE; websocket upgrades that carry cookies). Exact origins
   * (`https://app.example.com`); `:*` as the port matches any port of that
   * scheme and host. `*` is refused: responses allow credentials.
   * @default none in production (same-origin only); `http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*` otherwise
   */
  corsOrigins: string[];
  /**
   * Introspection (`__schema`, `__type`) and `/rest/openapi.json` + `/rest/docs`:
   * `all` for everyone, `admin` for the admin secret and signed-in admins, `off` for nobody.
   * @default admin in production, all otherwise
   */
  introspection: IntrospectionMode;
}

const loopback = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

/** Reads `STRATA_CORS_ORIGINS` and `STRATA_INTROSPECTION`. */
export function readTransportConfig({ env, mode, problems }: Readers): TransportConfig {
  const raw = env.STRATA_CORS_ORIGINS;
  const corsOrigins = raw === undefined ? (mode === 'production' ? [] : loopback) : raw.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin === '*' || origin === 'null') problems.push(`STRATA_CORS_ORIGINS cannot contain "${origin}" (responses allow credentials): list the origins`);
    else if (!isOriginPattern(origin)) problems.push(`STRATA_CORS_ORIGINS entries must be origins like https://app.example.com (port * allowed), got "${origin}"`);
  }
  const introspection = (env.STRATA_INTROSPECTION || (mode === 'production' ? 'admin' : 'all')) as IntrospectionMode;
  if (!['all', 'admin', 'off'].includes(introspection)) problems.push(`STRATA_INTROSPECTION must be all, admin or off, got "${introspection}"`);
  return { corsOrigins, introspection };
}

/** True for `scheme://host[:port]` exactly as a browser sends it, or with `:*` as the port. */
function isOriginPattern(pattern: string): boolean {
  const concrete = pattern.endsWith(':*') ? pattern.slice(0, -2) : pattern;
  try {
    return new URL(concrete).origin === concrete;
  } catch {
    return false;
  }
}
