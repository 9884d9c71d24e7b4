import { type Clock, systemClock } from '../../base/clock.ts';

/** A counter's state: hits in the current window and when the window ends. */
export interface RateCount {
  count: number;
  /** Epoch ms at which the counter resets (0 when it has no hits). */
  resetAt: number;
  /** Milliseconds until it resets, by the store's own clock (0 when it has no hits). */
  ttlMs: number;
}

/**
 * Fixed-window counters by key. In memory for one instance; Redis
 * ({@link RedisRateLimiter}) when several instances must share them.
 */
export interface RateLimiter {
  /** The current count of `key`. */
  get(key: string): Promise<RateCount>;
  /** Adds one hit to `key`; a new window of `windowMs` starts with the first hit. */
  hit(key: string, windowMs: number): Promise<RateCount>;
  /** Takes back one hit of `key` in its current window (an attempt that was refused, or that went well). */
  release(key: string): Promise<void>;
  /** Forgets `key`. */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Counters in process memory; expired windows are swept as keys are touched.
 * `hit` runs to completion before it returns its promise, so concurrent
 * callers each see their own count: no two can pass a limit together.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly clock: Clock = systemClock) {}

  async get(key: string): Promise<RateCount> {
    const entry = this.counters.get(key);
    const now = this.clock.now().getTime();
    if (!entry || entry.resetAt <= now) return { count: 0, resetAt: 0, ttlMs: 0 };
    return { ...entry, ttlMs: entry.resetAt - now };
  }

  async hit(key: string, windowMs: number): Promise<RateCount> {
    const now = this.clock.now().getTime();
    let entry = this.counters.get(key);
    if (!entry || entry.resetAt <= now) {
      if (this.counters.size > 10_000) this.sweep(now);
      entry = { count: 0, resetAt: now + windowMs };
      this.counters.set(key, entry);
    }
    entry.count += 1;
    return { ...entry, ttlMs: entry.resetAt - now };
  }

  async release(key: string): Promise<void> {
    const entry = this.counters.get(key);
    if (entry && entry.count > 0) entry.count -= 1;
  }

  async reset(key: string): Promise<void> {
    this.counters.delete(key);
  }

  async close(): Promise<void> {
    this.counters.clear();
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.counters) if (entry.resetAt <= now) this.counters.delete(key);
  }
}
