import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/app');
const ADMIN_SECRET = 'http-functions-test-admin-secret-long';

describe.each(providers)('HTTP functions on %s', (provider) => {
  let t: TestApp;
  let alice: Viewer;
  let admin: Viewer;

  const call = async (route: string, init: RequestInit & { viewer?: Viewer } = {}) => {
    const { viewer, ...rest } = init;
    const response = await t.app.yoga.fetch(`http://127.0.0.1/functions/${route}`, rest, viewer ? { viewer } : {});
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null, text };
  };
  const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true, env: { STRATA_APP_DIR: appDir, STRATA_ADMIN_SECRET: ADMIN_SECRET } });
    const a = await t.prisma.user.create({ data: { email: 'alice@example.com' } });
    const b = await t.prisma.user.create({ data: { email: 'admin@example.com', role: 'ADMIN' } });
    alice = { kind: 'user', id: a.id, email: a.email, role: 'USER', sessionId: 's1' };
    admin = { kind: 'user', id: b.id, email: b.email, role: 'ADMIN', sessionId: 's2' };
  });
  afterAll(() => t.close());

  it('serves /functions/<name> with the viewer, the sub-path, the query and the body', async () => {
    expect((await call('echo?q=1')).body).toEqual({ viewer: 'anonymous', method: 'GET', subpath: '', q: '1', body: null });
    expect((await call('echo/a/b', { viewer: alice })).body).toMatchObject({ viewer: 'user', subpath: '/a/b' });
    expect((await call('echo', { ...json({ hello: 'world' }), viewer: alice })).body).toMatchObject({ method: 'POST', body: { hello: 'world' } });
  });

  it('answers unknown functions 404 and other methods 405 with Allow', async () => {
    const missing = await call('nope');
    expect([missing.status, missing.body.errors[0].extensions.code]).toEqual([404, 'NOT_FOUND']);
    const wrong = await call('echo', { method: 'DELETE' });
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET, POST']);
  });

  it("checks each function's declared access, with the API's own authentication", async () => {
    expect((await call('adminReport')).status).toBe(401);
    expect((await call('adminReport', { viewer: alice })).status).toBe(403);
    expect((await call('adminReport', { viewer: admin })).body).toEqual({ posts: expect.any(Number) });
    expect((await call('adminReport', { headers: { 'x-strata-admin-secret': ADMIN_SECRET } })).status).toBe(200);
    const badSecret = await call('adminReport', { headers: { 'x-strata-admin-secret': 'wrong' } });
    expect(badSecret.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('writes through the pipeline as the caller, so the rules apply (the author is preset)', async () => {
    const created = await call('draft', { ...json({ slug: 'from-http', title: 'From HTTP' }), viewer: alice });
    expect(created.status).toBe(201);
    expect((await t.prisma.post.findUnique({ where: { id: created.body.id } })).authorId).toBe(alice.kind === 'user' && alice.id);
    expect((await call('draft', json({ slug: 'anon', title: 'Anon' }))).status).toBe(401);
  });

  it('answers AppErrors with their code and status, and anything else 500 without its message', async () => {
    const teapot = await call('teapot');
    expect([teapot.status, teapot.body]).toEqual([400, { errors: [{ message: 'No coffee here', extensions: { code: 'BAD_USER_INPUT', field: 'drink' } }] }]);
    const crash = await call('crash');
    expect([crash.status, crash.body.errors[0]]).toEqual([500, { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(crash.text).not.toMatch(/secret/);
  });

  it('refuses cookie-carrying posts that skipped a CORS preflight', async () => {
    const forged = await call('echo', { method: 'POST', headers: { cookie: 'strata_session=x', 'content-type': 'text/plain' }, body: '{}' });
    expect(forged.status).toBe(403);
    const preflighted = await call('echo', { method: 'POST', headers: { cookie: 'strata_session=x', 'content-type': 'application/json' }, body: '{}' });
    expect(preflighted.status).not.toBe(403);
  });
});
