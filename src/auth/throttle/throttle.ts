import type { AuthConfig } from '../../base/config.ts';
import { AppError } from '../../base/errors.ts';
import { type Clock, systemClock } from '../../base/clock.ts';
import { hashToken } from '../sessions/secret-token.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** One counter and its limit per window. */
export interface Bucket {
  key: string;
  limit: number;
}

/** The RATE_LIMITED error, with how long to wait. */
export function rateLimited(resetAt: number, now = Date.now()): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
  return new AppError('RATE_LIMITED', 'Too many attempts. Try again later.', { retryAfterSeconds });
}

// Emails are hashed in keys, so a Redis dump lists no addresses.
const emailKey = (email: string) => hashToken(email.toLowerCase()).slice(0, 32);

/**
 * The throttling policy over a {@link RateLimiter}: failed sign-ins (and
 * admin-secret attempts) per account and per client address, and auth mails
 * per address and per client address. Keys exist for unknown accounts too,
 * so being throttled reveals nothing about which accounts exist.
 */
export class Throttle {
  constructor(
    readonly limiter: RateLimiter,
    private readonly policy: AuthConfig['throttle'],
    private readonly clock: Clock = systemClock,
  ) {}

  /** Failed sign-ins of one account (by email). */
  account(email: string): Bucket {
    return { key: `fail:acct:${emailKey(email)}`, limit: this.policy.maxFailuresPerAccount };
  }

  /** Failed sign-ins and admin-secret attempts from one client address. */
  ip(address: string): Bucket {
    return { key: `fail:ip:${address}`, limit: this.policy.maxFailuresPerIp };
  }

  /** Auth mails asked for one address, and from one client address. */
  mail(email: string, address: string): Bucket[] {
    return [
      { key: `mail:to:${emailKey(email)}`, limit: this.policy.maxMailsPerAddress },
      { key: `mail:ip:${address}`, limit: this.policy.maxMailsPerIp },
    ];
  }

  /** Throws RATE_LIMITED when any bucket already reached its limit. */
  async assertOpen(buckets: Bucket[]): Promise<void> {
    for (const bucket of buckets) {
      const state = await this.limiter.get(bucket.key);
      if (state.count >= bucket.limit) throw rateLimited(state.resetAt, this.clock.now().getTime());
    }
  }

  /**
   * Counts one attempt in each bucket BEFORE the caller checks a secret, and
   * throws RATE_LIMITED when that passes a limit (taking the refused attempt
   * back, so only checked attempts count). Counting first is what makes N
   * concurrent attempts see N different counts: at most `limit` get checked.
   * A failed attempt stays counted; call {@link release} for one that went well.
   */
  async attempt(buckets: Bucket[]): Promise<void> {
    const states = await Promise.all(buckets.map((bucket) => this.limiter.hit(bucket.key, this.policy.windowMs)));
    const over = states.findIndex((state, i) => state.count > buckets[i].limit);
    if (over === -1) return;
    await this.release(buckets);
    throw rateLimited(states[over].resetAt, this.clock.now().getTime());
  }

  /** Takes back one attempt counted by {@link attempt} in each bucket. */
  async release(buckets: Bucket[]): Promise<void> {
    await Promise.all(buckets.map((bucket) => this.limiter.release(bucket.key)));
  }

  /** Counts one failure in each bucket. */
  async fail(buckets: Bucket[]): Promise<void> {
    for (const bucket of buckets) await this.limiter.hit(bucket.key, this.policy.windowMs);
  }

  /** Counts one use in each bucket and throws RATE_LIMITED when that passes a limit. */
  async consume(buckets: Bucket[]): Promise<void> {
    for (const bucket of buckets) {
      const state = await this.limiter.hit(bucket.key, this.policy.windowMs);
      if (state.count > bucket.limit) throw rateLimited(state.resetAt, this.clock.now().getTime());
    }
  }

  /** Clears a bucket (an account's failures after it signs in). */
  clear(bucket: Bucket): Promise<void> {
    return this.limiter.reset(bucket.key);
  }
}
