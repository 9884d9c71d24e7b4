import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MemoryRateLimiter, type RateCount, type RateLimiter } from './rate-limiter.ts';

// INCR and set the expiry on the first hit, in one round trip and atomically.
const hitScript = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {c, redis.call('PTTL', KEYS[1])}`;

// DECR only a live counter: a release must not create a key without expiry.
const releaseScript = `if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

type ScriptedRedis = Redis & {
  strataHit(key: string, windowMs: string): Promise<[number, number]>;
  strataRelease(key: string): Promise<number>;
};

export interface RedisRateLimiterOptions {
  /** Key prefix. @default strata:rl: */
  prefix?: string;
  /** Where the start and end of an outage are logged (once each). */
  log?: Logger;
  /** Longest wait for one Redis command before counting locally instead. @default 1000 */
  commandTimeoutMs?: number;
}

/**
 * Counters in Redis, shared by every Strata instance (keys `strata:rl:<key>`,
 * expiring with their window). While Redis cannot be reached the limiter
 * never fails a request: it counts in local memory instead (each instance on
 * its own, starting from zero), logs the outage once, and goes back to Redis
 * (logging that once too) when it is reachable again; the local counts are then dropped.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: ScriptedRedis;
  private readonly local = new MemoryRateLimiter();
  private readonly prefix: string;
  private readonly log?: Logger;
  private everReady = false;
  private outage = false;
  private closing = false;

  constructor(url: string, options: RedisRateLimiterOptions | string = {}) {
    const { prefix = 'strata:rl:', log, commandTimeoutMs = 1000 } = typeof options === 'string' ? { prefix: options } : options;
    this.prefix = prefix;
    this.log = log;
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: commandTimeoutMs, connectionName: 'strata-rate-limiter' }) as ScriptedRedis;
    this.redis.defineCommand('strataHit', { numberOfKeys: 1, lua: hitScript });
    this.redis.defineCommand('strataRelease', { numberOfKeys: 1, lua: releaseScript });
    // Without an 'error' listener ioredis prints every reconnection failure to stderr.
    this.redis.on('error', (error) => this.down(error));
    this.redis.on('ready', () => {
      this.everReady = true;
      this.up();
    });
  }

  get(key: string): Promise<RateCount> {
    return this.run(
      async () => {
        const [[, count], [, ttl]] = (await this.redis.multi().get(this.prefix + key).pttl(this.prefix + key).exec()) as [unknown, unknown][];
        const n = Number(count ?? 0);
        return n > 0 && Number(ttl) > 0 ? { count: n, resetAt: Date.now() + Number(ttl), ttlMs: Number(ttl) } : { count: 0, resetAt: 0, ttlMs: 0 };
      },
      () => this.local.get(key),
    );
  }

  hit(key: string, windowMs: number): Promise<RateCount> {
    return this.run(
      async () => {
        const [count, ttl] = await this.redis.strataHit(this.prefix + key, String(windowMs));
        const ttlMs = Math.max(Number(ttl), 0);
        return { count, resetAt: Date.now() + ttlMs, ttlMs };
      },
      () => this.local.hit(key, windowMs),
    );
  }

  release(key: string): Promise<void> {
    return this.run(
      async () => void (await this.redis.strataRelease(this.prefix + key)),
      () => this.local.release(key),
    );
  }

  reset(key: string): Promise<void> {
    return this.run(
      async () => void (await this.redis.del(this.prefix + key)),
      () => this.local.reset(key),
    );
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /**
   * Redis when it is connected (or still connecting for the first time, so
   * start-up requests wait for it), local counters otherwise or when the command fails.
   */
  private async run<T>(remote: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready' && (this.everReady || this.outage)) return local();
    try {
      const result = await remote();
      this.up();
      return result;
    } catch (error) {
      this.down(error);
      return local();
    }
  }

  private down(error: unknown): void {
    if (this.outage || this.closing) return;
    this.outage = true;
    this.log?.warn({ err: error }, 'rate limiter store unavailable, using local counters');
  }

  private up(): void {
    if (!this.outage) return;
    this.outage = false;
    void this.local.close();
    this.log?.info('rate limiter store recovered, counting in Redis again');
  }
}
