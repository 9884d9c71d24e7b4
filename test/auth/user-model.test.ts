import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { registerUser, SIGN_IN } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';

const fixture = (name: string) => path.resolve(import.meta.dirname, 'fixtures', name);
const SECRET = 'a-fixture-admin-secret-long-enough-to-pass';
const mutations = (t: AuthTestApp) => Object.keys(t.app.schema.getMutationType()?.getFields() ?? {});

describe.each(providers)('schemas without an auth-capable user model on %s', (provider) => {
  let none: AuthTestApp;
  let incomplete: AuthTestApp;
  beforeAll(async () => {
    const env = { STRATA_ADMIN_SECRET: SECRET };
    none = await createAuthTestApp(provider, { schemaPath: fixture('no-user.prisma'), env });
    incomplete = await createAuthTestApp(provider, { schemaPath: fixture('incomplete-user.prisma'), env });
  });
  afterAll(async () => {
    await none?.close();
    await incomplete?.close();
  });

  it('has no auth fields and no auth tables, and still honours the admin secret', async () => {
    expect(mutations(none)).not.toContain('signIn');
    expect(none.prisma.strataSession).toBeUndefined();
    const res = await none.gql('{ notes { id } }', {}, { headers: { 'x-strata-admin-secret': SECRET } });
    expect(res.body).toEqual({ data: { notes: [] } });
    const bearer = await none.gql('{ notes { id } }', {}, { headers: { authorization: 'Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } });
    expect(bearer.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('starts with a warning that names every missing field of an incomplete User model', () => {
    expect(mutations(incomplete)).not.toContain('signIn');
    const warning = incomplete.logs.find((line) => line.includes('cannot hold accounts'))!;
    expect(warning).toContain('User.passwordHash: expected `passwordHash String?` (missing)');
    expect(warning).toContain('User.role: expected `role <Enum with ADMIN>` (missing)');
    expect(warning).toContain('User.nickname: required without a default');
  });

  it('refuses to start when STRATA_AUTH_USER_MODEL names a model that cannot hold accounts', async () => {
    const start = createAuthTestApp(provider, { schemaPath: fixture('incomplete-user.prisma'), env: { STRATA_AUTH_USER_MODEL: 'User' } });
    await expect(start).rejects.toThrow(/STRATA_AUTH_USER_MODEL: model User cannot hold accounts[\s\S]*User\.passwordHash/);
    const missing = createAuthTestApp(provider, { schemaPath: fixture('no-user.prisma'), env: { STRATA_AUTH_USER_MODEL: 'Member' } });
    await expect(missing).rejects.toThrow(/the schema has no model Member/);
  });
});

describe.each(providers)('a user model named Account with String ids on %s', (provider) => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await createAuthTestApp(provider, { schemaPath: fixture('account-model.prisma'), env: { STRATA_AUTH_USER_MODEL: 'Account' } });
  });
  afterAll(() => t?.close());

  it('signs up with the enum’s default role and signs in', async () => {
    await registerUser(t, 'member@example.com');
    const res = await t.gql(SIGN_IN, { email: 'member@example.com', password: 'correct horse battery' });
    expect(res.body.data.signIn.user).toMatchObject({ email: 'member@example.com', role: 'MEMBER', id: expect.any(String) });
    const session = await t.prisma.strataSession.findFirst();
    expect(session.userId).toBe(res.body.data.signIn.user.id);
  });
});
