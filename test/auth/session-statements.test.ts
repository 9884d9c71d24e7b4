import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const mappedSchema = path.join(import.meta.dirname, 'fixtures/mapped-user.prisma');
const VIEWER = '{ viewer { id email role } }';

describe.each(providers)('a bearer session on %s', (provider) => {
  describe.each([
    ['the example app', undefined],
    ['a user model with mapped table and column names', mappedSchema],
  ])('with %s', (_label, schemaPath) => {
    let t: TestApp;
    let userId: number;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const session = async () => (await t.app.auth.sessions!.create(userId)).token;

    beforeAll(async () => {
      t = await createTestApp(provider, { schemaPath });
      userId = (await t.prisma.user.create({ data: { email: 'one@example.com' } })).id;
    });
    afterAll(() => t?.close());

    it('resolves its viewer in one SQL statement', async () => {
      const token = await session();
      let body: Awaited<ReturnType<TestApp['gql']>> | undefined;
      const statements = await t.countStatements(async () => (body = await t.gql('{ __typename }', {}, bearer(token))));
      expect(body).toEqual({ data: { __typename: 'Query' } });
      expect(statements).toBe(1);
      expect(await t.gql(VIEWER, {}, bearer(token))).toEqual({ data: { viewer: { id: userId, email: 'one@example.com', role: 'USER' } } });
    });

    it('refuses a revoked session on the very next request', async () => {
      const token = await session();
      expect((await t.gql(VIEWER, {}, bearer(token))).data?.viewer?.email).toBe('one@example.com');
      await t.app.auth.sessions!.revokeAll(userId);
      expect((await t.gql(VIEWER, {}, bearer(token))).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('refuses and deletes an expired session', async () => {
      const token = await session();
      await t.prisma.strataSession.updateMany({ where: { userId }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect((await t.gql(VIEWER, {}, bearer(token))).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(await t.prisma.strataSession.count({ where: { userId } })).toBe(0);
    });

    it('refuses the session of a deleted user and removes it', async () => {
      const other = (await t.prisma.user.create({ data: { email: 'gone@example.com' } })).id;
      const { token } = await t.app.auth.sessions!.create(other);
      await t.prisma.user.delete({ where: { id: other } });
      expect((await t.gql(VIEWER, {}, bearer(token))).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(await t.prisma.strataSession.count({ where: { userId: other } })).toBe(0);
    });
  });
});
