import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { mailedToken, registerUser, signIn } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';

const PASSWORD = 'correct horse battery';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Every value of every table, as text. */
async function dumpDatabase(t: AuthTestApp, provider: string): Promise<Record<string, string>> {
  const sql =
    provider === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table'"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'";
  const tables = (await t.prisma.$queryRawUnsafe(sql)) as { name: string }[];
  const dump: Record<string, string> = {};
  for (const { name } of tables) {
    const rows = await t.prisma.$queryRawUnsafe(`SELECT * FROM "${name}"`);
    dump[name] = JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  }
  return dump;
}

describe.each(providers)('what the database holds on %s', (provider) => {
  let t: AuthTestApp;
  const secrets: string[] = [PASSWORD, 'a second password'];
  let sessionTokens: string[] = [];

  beforeAll(async () => {
    t = await createAuthTestApp(provider);
    sessionTokens = [await registerUser(t, 'stored@example.com'), await signIn(t, 'stored@example.com')];
    await t.gql('mutation { signUp(email: "pending@example.com", password: "a second password") { message } }');
    await t.gql('mutation { requestPasswordReset(email: "stored@example.com") }');
    await t.app.auth.idle();
    secrets.push(...sessionTokens, mailedToken(t, 'stored@example.com'), mailedToken(t, 'pending@example.com'));
  });
  afterAll(() => t?.close());

  it('keeps sessions and single-use tokens in internal tables, by their SHA-256 only', async () => {
    const sessions = await t.prisma.strataSession.findMany();
    expect(sessions.map((s: { id: string }) => s.id).sort()).toEqual(sessionTokens.map(sha256).sort());
    expect(await t.prisma.strataAuthToken.count()).toBe(2);
    const ids = (await t.prisma.strataAuthToken.findMany()).map((r: { id: string }) => r.id);
    expect(ids).toEqual(expect.arrayContaining([sha256(mailedToken(t, 'stored@example.com'))]));
  });

  it('has no raw token or password in any column of any table', async () => {
    const dump = await dumpDatabase(t, provider);
    expect(Object.keys(dump)).toEqual(expect.arrayContaining(['strata_session', 'strata_auth_token', 'strata_oauth_account', 'User']));
    for (const [table, text] of Object.entries(dump)) {
      for (const secret of secrets) expect(text.includes(secret), `${table} holds a secret`).toBe(false);
    }
  });

  it('keeps the auth tables out of the GraphQL API', () => {
    const types = Object.keys(t.app.schema.getTypeMap());
    const auth = /^strata(Session|AuthToken|OAuthAccount)/i;
    expect(types.filter((name) => auth.test(name))).toEqual([]);
    expect(Object.keys(t.app.schema.getQueryType()!.getFields()).filter((f) => auth.test(f))).toEqual([]);
    expect(Object.keys(t.app.schema.getMutationType()!.getFields()).filter((f) => /Strata(Session|AuthToken|OAuthAccount)/.test(f))).toEqual([]);
  });
});
