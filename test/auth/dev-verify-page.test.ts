import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { mailedToken, SIGN_UP } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';

describe.each(providers)('the verification link page outside production on %s', (provider) => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await createAuthTestApp(provider);
  });
  afterAll(() => t?.close());

  it('verifies the address the printed link names and shows a page without external assets, starting no session', async () => {
    await t.gql(SIGN_UP, { email: 'page@example.com', password: 'correct horse battery' });
    await t.app.auth.idle();
    const token = mailedToken(t, 'page@example.com');
    const page = await t.fetch(`/verify-email?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('page@example.com is verified');
    expect(html).not.toMatch(/(src|href)="https?:/);
    const user = await t.prisma.user.findUnique({ where: { email: 'page@example.com' } });
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(await t.prisma.strataSession.count({ where: { userId: user.id } })).toBe(0);
  });

  it('answers a used, an unknown and a missing token with the same refusal', async () => {
    await t.gql(SIGN_UP, { email: 'twice@example.com', password: 'correct horse battery' });
    await t.app.auth.idle();
    const token = mailedToken(t, 'twice@example.com');
    expect((await t.fetch(`/verify-email?token=${token}`)).status).toBe(200);
    const answers = await Promise.all(
      [`/verify-email?token=${token}`, '/verify-email?token=not-a-token', '/verify-email'].map(async (path) => {
        const res = await t.fetch(path);
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(answers[0].status).toBe(400);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });
});

describe.each(providers)('the verification link page in production on %s', (provider) => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await createAuthTestApp(provider, { env: { STRATA_ENV: 'production', LOG_LEVEL: 'silent' } });
  });
  afterAll(() => t?.close());

  it('is not served: the link belongs to the front end, and the token stays unused', async () => {
    await t.gql(SIGN_UP, { email: 'prod@example.com', password: 'correct horse battery' });
    await t.app.auth.idle();
    const token = mailedToken(t, 'prod@example.com');
    expect((await t.fetch(`/verify-email?token=${token}`)).status).toBe(404);
    const user = await t.prisma.user.findUnique({ where: { email: 'prod@example.com' } });
    expect(user.emailVerifiedAt).toBeNull();
  });
});
