import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter } from '../../src/auth/throttle/redis-rate-limiter.ts';
import { providers } from '../support/databases.ts';
import { registerUser, SIGN_IN } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';
import { hasRedis, startRedis } from '../support/redis-server.ts';

describe.skipIf(!hasRedis)('throttling counters in Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  it('counts hits in a window that starts with the first hit, and resets', async () => {
    const limiter = new RedisRateLimiter(redis.url, 'test:');
    const before = Date.now();
    expect(await limiter.get('k')).toEqual({ count: 0, resetAt: 0, ttlMs: 0 });
    expect((await limiter.hit('k', 60_000)).count).toBe(1);
    const second = await limiter.hit('k', 60_000);
    expect(second.count).toBe(2);
    expect(second.resetAt).toBeGreaterThan(before + 50_000);
    expect(second.resetAt).toBeLessThanOrEqual(Date.now() + 60_000);
    expect((await limiter.get('k')).count).toBe(2);
    await limiter.reset('k');
    expect((await limiter.get('k')).count).toBe(0);
    await limiter.close();
  });

  describe.each(providers)('two instances sharing REDIS_URL on %s', (provider) => {
    let a: AuthTestApp;
    let b: AuthTestApp;
    beforeAll(async () => {
      const env = { REDIS_URL: redis.url, STRATA_AUTH_MAX_FAILURES_PER_ACCOUNT: '2' };
      [a, b] = await Promise.all([createAuthTestApp(provider, { env }), createAuthTestApp(provider, { env })]);
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('locks an account on every instance once the failures add up across them', async () => {
      const email = `shared-${provider}@example.com`;
      await registerUser(b, email);
      const attempt = (t: AuthTestApp, password: string) => t.gql(SIGN_IN, { email, password });
      expect((await attempt(a, 'wrong one')).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await attempt(b, 'wrong two')).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await attempt(b, 'correct horse battery')).body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    });
  });
});
