/** How long a failed delivery waits before the next attempt. */
export interface Backoff {
  /** Delay after the first failure. @default 1000 */
  initialMs?: number;
  /** Each further failure multiplies the delay by this. @default 2 */
  factor?: number;
  /** Longest delay. @default 3600000 (one hour) */
  maxMs?: number;
  /** Random spread, as a fraction of the delay (0.1 = ±10%), so retries of many events do not arrive together. @default 0.1 */
  jitter?: number;
}

/** The delay after failed attempt number `attempt` (1-based): exponential, capped, with jitter. */
export function retryDelay(attempt: number, backoff: Backoff = {}, random: () => number = Math.random): number {
  const { initialMs = 1000, factor = 2, maxMs = 3_600_000, jitter = 0.1 } = backoff;
  const base = Math.min(maxMs, initialMs * factor ** Math.max(0, attempt - 1));
  const spread = base * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}
