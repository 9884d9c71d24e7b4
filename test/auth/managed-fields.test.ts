import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authManagedFields, inspectUserModel } from '../../src/auth/users/user-model.ts';
import type { Viewer } from '../../src/base/viewer.ts';
import type { Context } from '../../src/base/context.ts';
import { compilePolicy } from '../../src/permissions/compile-policy.ts';
import openRules from './fixtures/open-rules/rules.ts';
import { providers } from '../support/databases.ts';
import { bearer, registerUser } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/open-rules');
const ADMIN_SECRET = 'managed-fields-admin-secret-of-32-characters';

type Actor = 'user' | 'admin' | 'service';
type Field = 'email' | 'role' | 'emailVerifiedAt';

/** Every generic write that can set a User column: single, upsert (both branches), batch and nested. */
const operations: Record<string, (field: Field, value: string, target: { id: number; profile: number }, fresh: string) => string> = {
  updateUser: (f, v, t) => `mutation { updateUser(where: { id: ${t.id} }, data: { ${f}: ${v} }) { id } }`,
  'upsertUser (update)': (f, v, t, fresh) => `mutation { upsertUser(where: { id: ${t.id} }, create: { email: "${fresh}" }, update: { ${f}: ${v} }) { id } }`,
  'upsertUser (create)': (f, v, _t, fresh) =>
    `mutation { upsertUser(where: { email: "${fresh}" }, create: { ${f === 'email' ? '' : `email: "${fresh}", `}${f}: ${v} }, update: {}) { id } }`,
  updateManyUsers: (f, v, t) => `mutation { updateManyUsers(where: { id: { equals: ${t.id} } }, data: { ${f}: ${v} }) { count } }`,
  createUser: (f, v, _t, fresh) => `mutation { createUser(data: { ${f === 'email' ? '' : `email: "${fresh}", `}${f}: ${v} }) { id } }`,
  createManyUsers: (f, v, _t, fresh) => `mutation { createManyUsers(data: [{ ${f === 'email' ? '' : `email: "${fresh}", `}${f}: ${v} }]) { count } }`,
  'nested update from a Profile': (f, v, t) => `mutation { updateProfile(where: { id: ${t.profile} }, data: { user: { update: { ${f}: ${v} } } }) { id } }`,
  'nested create from a Profile': (f, v, t, fresh) =>
    `mutation { updateProfile(where: { id: ${t.profile} }, data: { user: { create: { ${f === 'email' ? '' : `email: "${fresh}", `}${f}: ${v} } } }) { id } }`,
};

/** Who may set what: users none of auth's columns; admins the role and the address, never the verification mark. */
const allowed: Record<Actor, Field[]> = { user: [], admin: ['role', 'email'], service: ['role', 'email'] };

describe.each(providers)('auth-managed User fields under rules that open everything, on %s', (provider) => {
  let t: AuthTestApp;
  const headers = {} as Record<Actor, { headers: Record<string, string> }>;
  const targets = {} as Record<Actor, { id: number; profile: number }>;
  let n = 0;

  beforeAll(async () => {
    t = await createAuthTestApp(provider, { env: { STRATA_APP_DIR: appDir, STRATA_ADMIN_SECRET: ADMIN_SECRET } });
    headers.user = bearer(await registerUser(t, 'user@example.com'));
    const adminToken = await registerUser(t, 'admin@example.com');
    await t.prisma.user.update({ where: { email: 'admin@example.com' }, data: { role: 'ADMIN' } });
    headers.admin = bearer(adminToken);
    headers.service = { headers: { 'x-strata-admin-secret': ADMIN_SECRET } };
    const user = await t.prisma.user.findUnique({ where: { email: 'user@example.com' } });
    const target = async (email: string, id?: number) => {
      const row = id ? { id } : await t.prisma.user.create({ data: { email } });
      return { id: row.id, profile: (await t.prisma.profile.create({ data: { userId: row.id } })).id };
    };
    // A user writes their own row; admins write someone else's (so a granted role changes no actor).
    targets.user = await target('', user.id);
    targets.admin = await target('target-of-admin@example.com');
    targets.service = await target('target-of-service@example.com');
  });
  afterAll(() => t?.close());

  const cases = (['user', 'admin', 'service'] as Actor[]).flatMap((actor) =>
    (['email', 'role', 'emailVerifiedAt'] as Field[]).flatMap((field) => Object.keys(operations).map((operation) => ({ actor, field, operation }))),
  );

  it.each(cases)('$actor setting User.$field with $operation', async ({ actor, field, operation }) => {
    const fresh = `fresh-${++n}@example.com`;
    const value = { email: `"set-${n}@example.com"`, role: 'ADMIN', emailVerifiedAt: '"2026-01-01T00:00:00.000Z"' }[field];
    const before = await t.prisma.user.findUnique({ where: { id: targets[actor].id } });
    const res = await t.gql(operations[operation](field, value, targets[actor], fresh), {}, headers[actor]);
    if (allowed[actor].includes(field)) {
      expect(res.body.errors).toBeUndefined();
      return;
    }
    // A user cannot create a User at all: the address every new row needs is refused first.
    const refused = actor === 'user' && /create/i.test(operation) && operation !== 'upsertUser (update)' ? 'email' : field;
    expect(res.body.errors?.[0]).toMatchObject({ message: `Not allowed to set User.${refused}`, extensions: { code: 'FORBIDDEN', field: refused } });
    expect(await t.prisma.user.findUnique({ where: { id: targets[actor].id } })).toEqual(before);
    expect(await t.prisma.user.count({ where: { email: { in: [fresh, `set-${n}@example.com`] } } })).toBe(0);
  });

  it('lets users still write the columns auth does not own', async () => {
    const res = await t.gql(`mutation { updateUser(where: { id: ${targets.user.id} }, data: { name: "Mine" }) { name } }`, {}, headers.user);
    expect(res.body.data?.updateUser).toEqual({ name: 'Mine' });
  });
});

describe('the policy of auth-managed fields', () => {
  const datamodel = {
    models: [
      {
        name: 'User',
        fields: [
          { name: 'id', kind: 'scalar', type: 'Int', isId: true, isRequired: true, hasDefaultValue: true },
          { name: 'email', kind: 'scalar', type: 'String', isUnique: true, isRequired: true },
          { name: 'passwordHash', kind: 'scalar', type: 'String', isRequired: false },
          { name: 'role', kind: 'enum', type: 'Role', isRequired: true, hasDefaultValue: true, default: 'USER' },
          { name: 'emailVerifiedAt', kind: 'scalar', type: 'DateTime', isRequired: false },
          { name: 'name', kind: 'scalar', type: 'String', isRequired: false },
        ],
      },
    ],
    enums: [{ name: 'Role', values: [{ name: 'USER' }, { name: 'ADMIN' }] }],
  } as never;
  const check = inspectUserModel(datamodel, 'User');
  if (check.status !== 'ok') throw new Error(JSON.stringify(check));
  const fields = { User: ['id', 'email', 'passwordHash', 'role', 'emailVerifiedAt', 'name'], Profile: ['id'] };
  const policy = compilePolicy(openRules, fields, { managedFields: { User: authManagedFields(check.model) } });
  const ctx = (viewer: Viewer) => ({ viewer }) as Context;
  const viewers: Record<Actor, Viewer> = {
    user: { kind: 'user', id: 1, email: 'u@example.com', role: 'USER', sessionId: 's' },
    admin: { kind: 'user', id: 2, email: 'a@example.com', role: 'ADMIN', sessionId: 's' },
    service: { kind: 'service' },
  };

  it.each(Object.keys(viewers) as Actor[])('answers writeField for %s: the password hash and the verification mark never, role and email for admins', (actor) => {
    const writable = ['email', 'passwordHash', 'role', 'emailVerifiedAt', 'name'].filter((f) => policy('User').writeField(ctx(viewers[actor]), f));
    expect(writable).toEqual(actor === 'user' ? ['name'] : ['email', 'role', 'name']);
  });

  it('leaves other models and policies without managed fields as the rules say', () => {
    expect(compilePolicy(openRules, fields)('User').writeField(ctx(viewers.user), 'passwordHash')).toBe(true);
    expect(policy('Profile').writeField(ctx(viewers.user), 'id')).toBe(true);
  });
});
