import type { IncomingMessage } from 'node:http';
import { adminSecretMatches } from '../auth/admin-secret.ts';
import { clientAddress, createProxyList } from '../auth/throttle/client-address.ts';
import { MemoryRateLimiter, type RateLimiter } from '../auth/throttle/rate-limiter.ts';
import type { Viewer } from '../base/viewer.ts';
import type { RateLimitConfig } from '../base/config.ts';
import { AppError } from '../base/errors.ts';

export interface RequestLimitsOptions {
  config: RateLimitConfig;
  /** The counter store: the auth throttle's (Redis when `REDIS_URL` is set). @default a new in-memory store */
  limiter?: RateLimiter;
  /** Proxies whose `X-Forwarded-For` is believed (`STRATA_TRUSTED_PROXIES`). */
  trustedProxies: string[];
  /** Requests carrying this admin secret are not counted. */
  adminSecret: string | null;
}

/** The API's request limits, shared by the yoga plugin and the read lane so a request is counted once. */
export interface RequestLimits {
  config: RateLimitConfig;
  /** Seconds to wait when the client address `peer` (behind `forwarded`) is over its limit, else null. Counts the request. */
  byAddress(peer: string, forwarded: string | null | undefined): Promise<number | null>;
  /** The same for a signed-in user's operation (others are not counted: null). */
  perUser(viewer: Viewer | undefined): Promise<number | null>;
  /** Whether a request carrying this admin secret is exempt. */
  exempt(secret: string | null | undefined): boolean;
  /** HTTP requests the read lane already counted (by address, and by user once it ran), handed to yoga after. */
  counted: WeakMap<IncomingMessage, 'address' | 'user'>;
}

/** The RATE_LIMITED error of an API limit; over HTTP with status 429 and `Retry-After` (yoga reads `extensions.http`, and never sends it). */
export function requestsLimited(retryAfterSeconds: number, http = true): AppError {
  return new AppError('RATE_LIMITED', 'Too many requests. Try again later.', {
    retryAfterSeconds,
    ...(http ? { http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } } } : {}),
  });
}

/** The JSON body of a 429 answered before any GraphQL work: the error without its HTTP extension. */
export function limitedBody(retryAfterSeconds: number): string {
  const { message, extensions } = requestsLimited(retryAfterSeconds);
  const { http: _http, ...shown } = extensions;
  return JSON.stringify({ errors: [{ message, extensions: shown }] });
}

/**
 * Fixed-window counters per client address (trusted proxies applied) and per
 * signed-in user on the shared counter store; null when limits are off.
 */
export function createRequestLimits({ config, limiter = new MemoryRateLimiter(), trustedProxies, adminSecret }: RequestLimitsOptions): RequestLimits | null {
  if (!config.enabled) return null;
  const isTrusted = createProxyList(trustedProxies);
  const check = async (key: string, limit: number) => {
    const state = await limiter.hit(key, config.windowMs);
    return state.count > limit ? Math.max(1, Math.ceil(state.ttlMs / 1000)) : null;
  };
  return {
    config,
    byAddress: (peer, forwarded) => check(`api:ip:${clientAddress(peer, forwarded, isTrusted)}`, config.perAddress),
    perUser: async (viewer) => (viewer?.kind === 'user' ? check(`api:user:${viewer.id}`, config.perUser) : null),
    exempt: (secret) => secret != null && adminSecretMatches(adminSecret, secret),
    counted: new WeakMap(),
  };
}
