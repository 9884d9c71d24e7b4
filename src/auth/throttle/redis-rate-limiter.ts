import { Redis } from 'ioredis';
import type { RateCount, RateLimiter } from './rate-limiter.ts';

// INCR and set the expiry on the first hit, in one round trip and atomically.
const hitScript = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {c, redis.call('PTTL', KEYS[1])}`;

/** Counters in Redis, shared by every Strata instance (keys `strata:rl:<key>`, expiring with their window). */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix = 'strata:rl:') {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false });
  }

  async get(key: string): Promise<RateCount> {
    const [[, count], [, ttl]] = (await this.redis.multi().get(this.prefix + key).pttl(this.prefix + key).exec()) as [unknown, unknown][];
    const n = Number(count ?? 0);
    return n > 0 && Number(ttl) > 0 ? { count: n, resetAt: Date.now() + Number(ttl) } : { count: 0, resetAt: 0 };
  }

  async hit(key: string, windowMs: number): Promise<RateCount> {
    const [count, ttl] = (await this.redis.eval(hitScript, 1, this.prefix + key, String(windowMs))) as [number, number];
    return { count, resetAt: Date.now() + Math.max(Number(ttl), 0) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
