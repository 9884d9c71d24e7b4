import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../src/base/change-event.ts';
import { providers } from '../support/databases.ts';
import { bearer, mailedToken, registerUser, SIGN_UP } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';
import { FakeOAuthProvider } from './support/fake-oauth-provider.ts';
import { authHookLog } from './fixtures/app/hooks.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/app');
const PASSWORD = 'correct horse battery';

/**
 * Every auth flow that writes the app's User model goes through the write
 * pipeline: the fixture app's User hooks run (as the service viewer, with
 * the columns auth sets), its triggers get outbox rows in the same
 * transaction, and the change is published to subscribers.
 */
describe.each(providers)('auth writes through the write pipeline on %s', (provider) => {
  let t: AuthTestApp;
  const fake = new FakeOAuthProvider();
  const published: ChangeEvent[] = [];

  const outbox = async () =>
    (await t.prisma.strataOutbox.findMany({ orderBy: { createdAt: 'asc' } })).map((r: any) => `${r.trigger} ${JSON.parse(r.payload).row.email}`);
  const changes = () => published.filter((e) => e.model === 'User').map((e) => `${e.kind} ${e.previous ? `${e.previous.email} -> ` : ''}${e.row.email}`);
  const ok = <T>(res: { body: { data?: T | null; errors?: unknown } }) => {
    expect(res.body.errors).toBeUndefined();
    return res.body.data as T;
  };
  /** Clears what the setup of a scenario recorded, so the scenario's own flow is all that is asserted. */
  const reset = async () => {
    await t.app.auth.idle();
    authHookLog.length = 0;
    published.length = 0;
    await t.prisma.strataOutbox.deleteMany();
  };
  async function oauthSignIn() {
    const start = await t.fetch('/auth/oauth/oidc/start');
    const jar = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const url = await fake.authorize(start.headers.get('location')!);
    const res = await t.fetch(url.pathname + url.search, { headers: { cookie: jar } });
    expect(res.headers.get('location')).toBe('http://app.test/welcome');
  }

  beforeAll(async () => {
    await fake.start();
    t = await createAuthTestApp(provider, {
      env: {
        STRATA_APP_DIR: appDir,
        STRATA_PUBLIC_URL: 'http://app.test',
        STRATA_OAUTH_SUCCESS_URL: 'http://app.test/welcome',
        STRATA_OAUTH_OIDC_ISSUER: fake.url,
        STRATA_OAUTH_OIDC_CLIENT_ID: 'client-id',
        STRATA_OAUTH_OIDC_CLIENT_SECRET: 'client-secret',
      },
    });
    const publish = t.app.realtime.publish.bind(t.app.realtime);
    t.app.realtime.publish = (events: ChangeEvent[]) => {
      published.push(...events);
      return publish(events);
    };
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });
  beforeEach(reset);

  it('sign-up: create hooks as the service viewer, the welcome trigger, a CREATED event', async () => {
    ok(await t.gql(SIGN_UP, { email: 'new@example.com', password: PASSWORD, name: 'New' }));
    await t.app.auth.idle();
    expect(authHookLog).toEqual([
      'validate create [email,name,passwordHash,role] as service',
      'beforeCreate new@example.com',
      'afterCreate new@example.com',
    ]);
    expect(await outbox()).toEqual(['welcomeUser new@example.com']);
    expect(changes()).toEqual(['CREATED new@example.com']);
  });

  it('sign-up with a taken address writes nothing', async () => {
    await registerUser(t, 'taken@example.com');
    await reset();
    ok(await t.gql(SIGN_UP, { email: 'taken@example.com', password: PASSWORD }));
    await t.app.auth.idle();
    expect([authHookLog, await outbox(), changes()]).toEqual([[], [], []]);
  });

  it('verify email: one update of emailVerifiedAt, the update trigger, an UPDATED event', async () => {
    ok(await t.gql(SIGN_UP, { email: 'verify@example.com', password: PASSWORD }));
    await reset();
    ok(await t.gql('mutation($t: String!) { verifyEmail(token: $t) { token } }', { t: mailedToken(t, 'verify@example.com') }));
    expect(authHookLog).toEqual([
      'validate update [emailVerifiedAt] as service',
      'beforeUpdate verify@example.com [emailVerifiedAt]',
      'afterUpdate verify@example.com -> verify@example.com',
    ]);
    expect(await outbox()).toEqual(['userUpdated verify@example.com']);
    expect(changes()).toEqual(['UPDATED verify@example.com -> verify@example.com']);
  });

  it('reset password: the hash (and the verification it proves) in one update', async () => {
    ok(await t.gql(SIGN_UP, { email: 'reset@example.com', password: PASSWORD }));
    await t.app.auth.idle();
    ok(await t.gql('mutation { requestPasswordReset(email: "reset@example.com") }'));
    await reset();
    ok(await t.gql('mutation($t: String!) { resetPassword(token: $t, newPassword: "another long password") }', { t: mailedToken(t, 'reset@example.com') }));
    expect(authHookLog).toEqual([
      'validate update [emailVerifiedAt,passwordHash] as service',
      'beforeUpdate reset@example.com [emailVerifiedAt,passwordHash]',
      'afterUpdate reset@example.com -> reset@example.com',
    ]);
    expect(await outbox()).toEqual(['userUpdated reset@example.com']);
    expect(changes()).toEqual(['UPDATED reset@example.com -> reset@example.com']);
  });

  it('change password: one update of the hash', async () => {
    const token = await registerUser(t, 'change@example.com');
    await reset();
    ok(await t.gql('mutation { changePassword(current: "correct horse battery", next: "another long password") }', {}, bearer(token)));
    expect(authHookLog).toEqual(['validate update [passwordHash] as service', 'beforeUpdate change@example.com [passwordHash]', 'afterUpdate change@example.com -> change@example.com']);
    expect(await outbox()).toEqual(['userUpdated change@example.com']);
  });

  it('OAuth sign-in of a new person: create hooks, the welcome trigger, a CREATED event', async () => {
    fake.next = { sub: 'oidc-pipeline-new', email: 'oauth-new@example.com', emailVerified: true, name: 'O' };
    await oauthSignIn();
    expect(authHookLog).toEqual([
      'validate create [email,emailVerifiedAt,name,passwordHash,role] as service',
      'beforeCreate oauth-new@example.com',
      'afterCreate oauth-new@example.com',
    ]);
    expect(await outbox()).toEqual(['welcomeUser oauth-new@example.com']);
    expect(changes()).toEqual(['CREATED oauth-new@example.com']);
  });

  it('OAuth linking to a never-verified account: its password dropped and the address verified in one update', async () => {
    ok(await t.gql(SIGN_UP, { email: 'squat@example.com', password: PASSWORD }));
    await reset();
    fake.next = { sub: 'oidc-pipeline-link', email: 'squat@example.com', emailVerified: true };
    await oauthSignIn();
    expect(authHookLog).toEqual([
      'validate update [emailVerifiedAt,passwordHash] as service',
      'beforeUpdate squat@example.com [emailVerifiedAt,passwordHash]',
      'afterUpdate squat@example.com -> squat@example.com',
    ]);
    expect(await outbox()).toEqual(['userUpdated squat@example.com']);
    expect(changes()).toEqual(['UPDATED squat@example.com -> squat@example.com']);
    // Signing in again with the linked identity writes nothing.
    await reset();
    await oauthSignIn();
    expect([authHookLog, await outbox(), changes()]).toEqual([[], [], []]);
  });

  it('email change: the request writes no user row; the confirmation sets the address and its verification in one update', async () => {
    const token = await registerUser(t, 'before@example.com');
    await reset();
    ok(await t.gql('mutation { requestEmailChange(newEmail: "after@example.com", password: "correct horse battery") }', {}, bearer(token)));
    await t.app.auth.idle();
    expect([authHookLog, await outbox(), changes()]).toEqual([[], [], []]);
    ok(await t.gql('mutation($t: String!) { confirmEmailChange(token: $t) }', { t: mailedToken(t, 'after@example.com') }));
    expect(authHookLog).toEqual([
      'validate update [email,emailVerifiedAt] as service',
      'beforeUpdate before@example.com [email,emailVerifiedAt]',
      'afterUpdate before@example.com -> after@example.com',
    ]);
    expect(await outbox()).toEqual(['userUpdated after@example.com']);
    expect(changes()).toEqual(['UPDATED before@example.com -> after@example.com']);
  });
});
