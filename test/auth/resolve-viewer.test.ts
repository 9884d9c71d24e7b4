import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { registerUser } from './support/auth-helpers.ts';
import { type AuthTestApp, createAuthTestApp } from './support/auth-test-app.ts';

const SECRET = 'a-websocket-admin-secret-that-is-long-enough';

describe.each(providers)('resolveViewer for websocket connections on %s', (provider) => {
  let t: AuthTestApp;
  let token: string;
  beforeAll(async () => {
    t = await createAuthTestApp(provider, { env: { STRATA_ADMIN_SECRET: SECRET } });
    token = await registerUser(t, 'ws@example.com');
  });
  afterAll(() => t?.close());

  const resolve = (source: Parameters<AuthTestApp['app']['auth']['resolveViewer']>[0]) => t.app.auth.resolveViewer(source);
  const user = { kind: 'user', email: 'ws@example.com', role: 'USER' };

  it('reads connection_init payloads: { authorization }, { token } and { headers }', async () => {
    await expect(resolve({ connectionParams: { authorization: `Bearer ${token}` } })).resolves.toMatchObject(user);
    await expect(resolve({ connectionParams: { token } })).resolves.toMatchObject(user);
    await expect(resolve({ connectionParams: { headers: { Authorization: `Bearer ${token}` } } })).resolves.toMatchObject(user);
  });

  it("reads the upgrade request's cookie, as a header record or a raw Cookie header", async () => {
    await expect(resolve({ headers: { cookie: `strata_session=${token}` } })).resolves.toMatchObject(user);
    await expect(resolve({ cookie: `a=b; strata_session=${token}` })).resolves.toMatchObject(user);
  });

  it('gives the service viewer for { adminSecret } and refuses a wrong one', async () => {
    await expect(resolve({ connectionParams: { adminSecret: SECRET } })).resolves.toEqual({ kind: 'service' });
    await expect(resolve({ connectionParams: { adminSecret: 'nope' } })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('is anonymous without credentials and with a stale cookie, and refuses an invalid explicit token', async () => {
    await expect(resolve({})).resolves.toEqual({ kind: 'anonymous' });
    await expect(resolve({ cookie: 'strata_session=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' })).resolves.toEqual({ kind: 'anonymous' });
    await expect(resolve({ connectionParams: { token: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' } })).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });
});
