import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryRateLimiter } from '../../src/auth/throttle/rate-limiter.ts';
import { RedisRateLimiter } from '../../src/auth/throttle/redis-rate-limiter.ts';
import { providers } from '../support/databases.ts';
import { within } from '../support/deferred.ts';
import { hasRedis, startRedis, type TestRedis } from '../support/redis-server.ts';
import { registerUser, SIGN_IN } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';

const password = 'correct horse battery';
const SECRET = 'an-admin-secret-for-outage-tests';
const code = (res: { body: { errors?: { extensions: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions.code ?? 'OK';

/** Resolves once a log line containing `text` has been written (bounded by `ms`). */
function logged(t: AuthTestApp, text: string, ms = 15_000): Promise<void> {
  const seen = () => t.logs.some((line) => line.includes(text));
  if (seen()) return Promise.resolve();
  return within(
    new Promise<void>((resolve) => {
      const push = t.logs.push.bind(t.logs);
      t.logs.push = (...lines: string[]) => {
        const n = push(...lines);
        if (seen()) resolve();
        return n;
      };
    }),
    ms,
    `log line "${text}"`,
  );
}

const stores = hasRedis ? (['memory', 'redis'] as const) : (['memory'] as const);

describe('counters under concurrency', () => {
  it('gives 12 concurrent hits 12 different counts in memory', async () => {
    const limiter = new MemoryRateLimiter();
    const counts = await Promise.all(Array.from({ length: 12 }, () => limiter.hit('k', 60_000)));
    expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });
});

describe.each(providers)('concurrent sign-in attempts on %s', (provider) => {
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    if (hasRedis) redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  describe.each(stores)('with %s counters', (store) => {
    let t: AuthTestApp;
    beforeAll(async () => {
      const env: Record<string, string> = { STRATA_AUTH_MAX_FAILURES_PER_ACCOUNT: '5', STRATA_AUTH_MAX_FAILURES_PER_IP: '1000' };
      if (store === 'redis') env.REDIS_URL = redis!.url;
      t = await createAuthTestApp(provider, { env });
    });
    afterAll(() => t?.close());

    it('checks at most 5 of 12 simultaneous attempts and refuses the 12th even with the right password', async () => {
      const email = `race-${store}@example.com`;
      await registerUser(t, email);
      const attempts = Array.from({ length: 12 }, (_, i) => t.gql(SIGN_IN, { email, password: i === 11 ? password : `wrong ${i}` }, { peer: `192.0.2.${i + 1}` }));
      const codes = (await Promise.all(attempts)).map(code);
      expect(codes.filter((c) => c === 'UNAUTHENTICATED').length).toBeLessThanOrEqual(5);
      expect(codes.filter((c) => c === 'OK')).toEqual([]);
      expect(codes[11]).toBe('RATE_LIMITED');
      expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(7);
    });

    it('does not count a successful sign-in against its client address', async () => {
      const email = `fine-${store}@example.com`;
      await registerUser(t, email);
      const ip = '198.51.100.50';
      for (let i = 0; i < 3; i++) expect(code(await t.gql(SIGN_IN, { email, password }, { peer: ip }))).toBe('OK');
      const key = t.app.auth.throttle.ip(ip).key;
      expect((await t.app.auth.throttle.limiter.get(key)).count).toBe(0);
    });
  });
});

describe.skipIf(!hasRedis).each(providers)('throttling while Redis is down on %s', (provider) => {
  let redis: TestRedis;
  let t: AuthTestApp;
  const admin = () => t.gql('{ usersCount }', {}, { headers: { 'x-strata-admin-secret': SECRET } });

  beforeAll(async () => {
    redis = await startRedis();
    t = await createAuthTestApp(provider, { env: { REDIS_URL: redis.url, STRATA_ADMIN_SECRET: SECRET, STRATA_AUTH_MAX_FAILURES_PER_ACCOUNT: '3' } });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('keeps admin-secret requests and sign-in working on local counters, logs the outage once and its end once', async () => {
    const email = `outage-${provider}@example.com`;
    await registerUser(t, email);
    expect(code(await admin())).toBe('OK');

    // ioredis prints "[ioredis] Unhandled error event" with console.error for every failed reconnection when nobody listens.
    const printed = vi.spyOn(console, 'error');
    await redis.stop();
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      const res = await admin();
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ usersCount: 1 });
    }
    expect(code(await t.gql(SIGN_IN, { email, password }))).toBe('OK');
    // Still throttled, on this instance's own counters.
    for (let i = 0; i < 3; i++) expect(code(await t.gql(SIGN_IN, { email, password: 'wrong' }))).toBe('UNAUTHENTICATED');
    expect(code(await t.gql(SIGN_IN, { email, password }))).toBe('RATE_LIMITED');
    expect(code(await t.gql(SIGN_IN, { email, password: 'wrong' }, { headers: { 'x-strata-admin-secret': 'wrong secret' } }))).toBe('UNAUTHENTICATED');
    expect(Date.now() - started).toBeLessThan(10_000);

    const lines = (text: string) => t.logs.filter((line) => line.includes(text));
    expect(lines('rate limiter store unavailable')).toHaveLength(1);
    expect(t.logs.join('\n')).not.toContain('Cannot destructure');
    expect(lines('"level":50')).toEqual([]);

    await redis.start();
    await logged(t, 'rate limiter store recovered');
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
    expect(code(await admin())).toBe('OK');
    expect(code(await t.gql(SIGN_IN, { email, password: 'wrong' }))).toBe('UNAUTHENTICATED');
    expect(lines('rate limiter store unavailable')).toHaveLength(1);
    expect(lines('rate limiter store recovered')).toHaveLength(1);
  });
});
