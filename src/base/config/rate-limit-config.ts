import type { Readers } from './readers.ts';

/** Request limits of the whole API (see `useRateLimit` and docs/operations.md). */
export interface RateLimitConfig {
  /**
   * Count requests and refuse those over a limit with HTTP 429 RATE_LIMITED and
   * `Retry-After` (`STRATA_RATE_LIMIT`). Off by default only under STRATA_ENV=test.
   * @default true
   */
  enabled: boolean;
  /** Length of one counting window (`STRATA_RATE_LIMIT_WINDOW_SECONDS`, in seconds). @default 60000 */
  windowMs: number;
  /** Requests (and websocket connections and subscribe messages) per client address per window (`STRATA_RATE_LIMIT_PER_ADDRESS`). @default 600 */
  perAddress: number;
  /** Operations per signed-in user per window, from any address (`STRATA_RATE_LIMIT_PER_USER`). @default 1200 */
  perUser: number;
}

/** The `rateLimit` section. */
export function readRateLimitConfig({ int, bool, mode }: Readers): RateLimitConfig {
  return {
    enabled: bool('STRATA_RATE_LIMIT', mode !== 'test'),
    windowMs: int('STRATA_RATE_LIMIT_WINDOW_SECONDS', 60, 1) * 1000,
    perAddress: int('STRATA_RATE_LIMIT_PER_ADDRESS', 600, 1),
    perUser: int('STRATA_RATE_LIMIT_PER_USER', 1200, 1),
  };
}
