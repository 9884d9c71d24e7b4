import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const SIGN_UP = 'mutation($e: String!) { signUp(email: $e, password: "correct horse battery") { message emailVerificationRequired } }';
const SIGN_IN = 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }';
const RESET = 'mutation($e: String!) { requestPasswordReset(email: $e) }';
const VERIFY = 'mutation($e: String!) { requestEmailVerification(email: $e) }';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Counts argon2 verifications, to show that an unknown email costs one like a wrong password does.
const argon = vi.hoisted(() => ({ verifications: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: (...args: Parameters<typeof real.verify>) => {
      argon.verifications += 1;
      return real.verify(...args);
    },
  };
});

describe.each(providers)('no account enumeration on %s', (provider) => {
  let t: TestApp;
  const outbox = () => t.app.auth.outbox!.messages;
  const to = (email: string) => outbox().filter((m) => m.to === email);

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true, env: { STRATA_AUTH_MAX_FAILURES_PER_ACCOUNT: '100', STRATA_AUTH_MAX_FAILURES_PER_IP: '1000' } });
    await t.gql(SIGN_UP, { e: 'known@example.com' });
    await t.app.auth.idle();
    const link = /token=([a-z2-7]+)/.exec(to('known@example.com')[0].text)![1];
    await t.gql('mutation($t: String!) { verifyEmail(token: $t) { token } }', { t: link });
  });
  afterAll(() => t?.close());

  it('answers sign-in with an unknown email and with a wrong password with the identical body', async () => {
    const unknown = await t.gql(SIGN_IN, { e: 'nobody@example.com', p: 'some password' });
    const wrong = await t.gql(SIGN_IN, { e: 'known@example.com', p: 'some password' });
    expect(unknown).toEqual(wrong);
    expect(wrong.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('runs one argon2 verification for an unknown email, as for a wrong password', async () => {
    const verifications = async (e: string) => {
      const before = argon.verifications;
      await t.gql(SIGN_IN, { e, p: 'some password' });
      return argon.verifications - before;
    };
    expect(await verifications('nobody@example.com')).toBe(1);
    expect(await verifications('known@example.com')).toBe(1);
  });

  it('spends a comparable time on both (a loose bound: skipping argon2 would be ~10x faster)', async () => {
    const time = async (e: string) => {
      const started = performance.now();
      await t.gql(SIGN_IN, { e, p: 'some password' });
      return performance.now() - started;
    };
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 9; i++) {
      unknown.push(await time(`nobody${i}@example.com`));
      wrong.push(await time('known@example.com'));
    }
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.25);
    expect(ratio).toBeLessThan(4);
  });

  it('answers a sign-up for a taken address exactly like a new one, and tells the owner by mail', async () => {
    const fresh = await t.gql(SIGN_UP, { e: 'fresh@example.com' });
    const taken = await t.gql(SIGN_UP, { e: 'known@example.com' });
    expect(taken).toEqual(fresh);
    await t.app.auth.idle();
    expect(to('fresh@example.com').at(-1)!.subject).toBe('Confirm your email address');
    expect(to('known@example.com').at(-1)!.subject).toBe('You already have an account');
    expect(await t.prisma.user.count({ where: { email: 'known@example.com' } })).toBe(1);
  });

  it('answers a correct password on a not yet verified address like a wrong one, and mails a new link', async () => {
    await t.gql(SIGN_UP, { e: 'pending@example.com' });
    await t.app.auth.idle();
    const before = to('pending@example.com').length;
    const right = await t.gql(SIGN_IN, { e: 'pending@example.com', p: 'correct horse battery' });
    const wrong = await t.gql(SIGN_IN, { e: 'pending@example.com', p: 'not the password' });
    expect(right).toEqual(wrong);
    await t.app.auth.idle();
    expect(to('pending@example.com').length).toBe(before + 1);
  });

  it('answers password reset and verification requests the same for unknown and known addresses', async () => {
    const before = outbox().length;
    expect(await t.gql(RESET, { e: 'nobody@example.com' })).toEqual(await t.gql(RESET, { e: 'known@example.com' }));
    expect(await t.gql(VERIFY, { e: 'nobody@example.com' })).toEqual(await t.gql(VERIFY, { e: 'known@example.com' }));
    await t.app.auth.idle();
    // Only the known (already verified) account got mail: a reset link, and no verification link.
    expect(outbox().slice(before).map((m) => [m.to, m.subject])).toEqual([['known@example.com', 'Reset your password']]);
  });
});
