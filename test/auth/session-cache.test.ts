import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';
import { bearer, registerUser } from './support/auth-helpers.ts';

const ADMIN_SECRET = 'an-admin-secret-of-at-least-32-characters';
const SET_ROLE = 'mutation($email: String!, $role: Role!) { updateUser(where: { email: $email }, data: { role: $role }) { id } }';

describe.each(providers)('kept sessions (STRATA_SESSION_CACHE_MS) on %s', (provider) => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await createAuthTestApp(provider, { env: { STRATA_AUTH_REQUIRE_VERIFIED_EMAIL: 'false', STRATA_ADMIN_SECRET: ADMIN_SECRET, STRATA_SESSION_CACHE_MS: '5000' } });
  });
  afterAll(() => t?.close());

  const statementsFor = async (token: string) => {
    const before = t.app.db.statements.count;
    expect(await t.app.auth.resolveViewer({ bearer: token })).toMatchObject({ kind: 'user' });
    return t.app.db.statements.count - before;
  };

  it('resolves a kept session without a statement', async () => {
    const token = await registerUser(t, 'kept@example.com');
    await statementsFor(token);
    expect(await statementsFor(token)).toBe(0);
  });

  it('sees a role changed through the API at once', async () => {
    const token = await registerUser(t, 'promoted@example.com');
    expect(await t.app.auth.resolveViewer({ bearer: token })).toMatchObject({ role: 'USER' });
    const changed = await t.gql(SET_ROLE, { email: 'promoted@example.com', role: 'ADMIN' }, { headers: { 'x-strata-admin-secret': ADMIN_SECRET } });
    expect(changed.body.errors).toBeUndefined();
    expect(await t.app.auth.resolveViewer({ bearer: token })).toMatchObject({ role: 'ADMIN' });
  });

  it('refuses a signed-out session at once', async () => {
    const token = await registerUser(t, 'leaving@example.com');
    expect((await t.gql('{ viewer { email } }', {}, bearer(token))).body.data.viewer.email).toBe('leaving@example.com');
    expect((await t.gql('mutation { signOut }', {}, bearer(token))).body.errors).toBeUndefined();
    expect((await t.gql('{ viewer { email } }', {}, bearer(token))).status).toBe(401);
  });

  it('refuses a session revoked by another instance within the lifetime, and an expired one at once', async () => {
    const token = await registerUser(t, 'elsewhere@example.com');
    await t.app.auth.resolveViewer({ bearer: token });
    // Another instance (or an operator) deletes the row: this instance still holds it, for at most the lifetime.
    const { id } = await t.prisma.user.findUnique({ where: { email: 'elsewhere@example.com' } });
    await t.prisma.strataSession.deleteMany({ where: { userId: id } });
    expect(await t.app.auth.resolveViewer({ bearer: token })).toMatchObject({ kind: 'user' });
    t.clock.advance(5000);
    await expect(t.app.auth.resolveViewer({ bearer: token })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    const kept = await registerUser(t, 'expiring@example.com');
    await t.app.auth.resolveViewer({ bearer: kept });
    t.clock.advance(t.app.config.auth.sessionMaxAgeMs);
    await expect(t.app.auth.resolveViewer({ bearer: kept })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
