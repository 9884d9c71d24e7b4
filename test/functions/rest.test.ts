import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/app');
const ADMIN_SECRET = 'rest-test-admin-secret-with-enough-length';

/** Every `$ref` in a JSON value. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') out.push(inner);
      else refs(inner, out);
    }
  }
  return out;
}

describe.each(providers)('REST and OpenAPI on %s', (provider) => {
  let t: TestApp;
  let alice: Viewer;
  let ids: { aliceDraft: number; alicePublished: number; bobPublished: number; bobDraft: number };

  const rest = async (pathAndQuery: string, init: RequestInit & { viewer?: Viewer } = {}) => {
    const { viewer, ...rest } = init;
    const response = await t.app.yoga.fetch(`http://127.0.0.1/rest${pathAndQuery}`, rest, viewer ? { viewer } : {});
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, text };
  };
  const post = (route: string, body: unknown, init: RequestInit & { viewer?: Viewer } = {}) =>
    rest(route, { ...init, method: 'POST', headers: { 'content-type': 'application/json', ...(init.headers as object) }, body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true, env: { STRATA_APP_DIR: appDir, STRATA_ADMIN_SECRET: ADMIN_SECRET } });
    const a = await t.prisma.user.create({ data: { email: 'alice@example.com' } });
    const b = await t.prisma.user.create({ data: { email: 'bob@example.com' } });
    alice = { kind: 'user', id: a.id, email: a.email, role: 'USER', sessionId: 's' };
    const make = async (authorId: number, slug: string, published: boolean) => (await t.prisma.post.create({ data: { authorId, slug, title: slug, published } })).id;
    ids = { alicePublished: await make(a.id, 'alice-pub', true), aliceDraft: await make(a.id, 'alice-draft', false), bobPublished: await make(b.id, 'bob-pub', true), bobDraft: await make(b.id, 'bob-draft', false) };
  });
  afterAll(() => t.close());

  describe('the OpenAPI document', () => {
    let doc: any;
    beforeAll(async () => {
      const res = await rest('/openapi.json');
      expect(res.status).toBe(200);
      doc = res.body;
    });

    it('is an OpenAPI 3 document with info, servers, paths and component schemas', () => {
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(doc.info).toMatchObject({ title: 'Strata REST API', version: expect.any(String) });
      expect(doc.servers).toEqual([{ url: '/rest' }]);
      expect(Object.keys(doc.paths).length).toBeGreaterThan(50);
      expect(Object.keys(doc.components.schemas).length).toBeGreaterThan(50);
    });

    it('has a route per generated and custom operation, queries as GET and mutations as POST', () => {
      const routes = Object.entries(doc.paths).flatMap(([route, ops]) => Object.keys(ops as object).map((method) => `${method.toUpperCase()} ${route}`));
      for (const route of ['GET /posts', 'GET /post', 'GET /posts-connection', 'GET /posts-count', 'GET /posts-aggregate', 'POST /create-post', 'POST /update-post', 'POST /delete-many-posts', 'POST /publish-post', 'GET /strata-dead-letters', 'GET /my-drafts']) {
        expect(routes).toContain(route);
      }
      expect(routes.some((r) => r.includes('changed'))).toBe(false);
    });

    it('describes every operation with parameters or a body, a 200 response, and $refs that all resolve', () => {
      for (const [route, ops] of Object.entries<any>(doc.paths)) {
        for (const [method, op] of Object.entries<any>(ops)) {
          expect(op.responses?.['200'], `${method} ${route}`).toBeDefined();
          if (method === 'post') expect(op.requestBody === undefined || op.requestBody.content?.['application/json']).toBeTruthy();
          for (const p of op.parameters ?? []) expect(['query', 'path']).toContain(p.in);
        }
      }
      const missing = refs(doc).filter((ref) => !doc.components.schemas[ref.replace('#/components/schemas/', '')]);
      expect(missing).toEqual([]);
    });

    it("shows a model's columns with Strata's scalar formats, without its relations", () => {
      const postSchema = doc.components.schemas.Post;
      expect(Object.keys(postSchema.properties)).toEqual(expect.arrayContaining(['id', 'slug', 'title', 'published', 'views', 'createdAt', 'authorId']));
      expect(postSchema.properties).not.toHaveProperty('author');
      expect(postSchema.properties).not.toHaveProperty('comments');
      expect(postSchema.properties.createdAt).toMatchObject({ type: 'string', format: 'date-time' });
      expect(postSchema.properties.views).toMatchObject({ type: 'string' });
    });
  });

  it('lists only what the viewer may read, as GraphQL does', async () => {
    const anonymous = await rest('/posts?orderBy=' + encodeURIComponent(JSON.stringify({ id: 'asc' })));
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.map((p: any) => p.id)).toEqual([ids.alicePublished, ids.bobPublished]);
    const asAlice = await rest('/posts?orderBy=' + encodeURIComponent(JSON.stringify({ id: 'asc' })), { viewer: alice });
    expect(asAlice.body.map((p: any) => p.id)).toEqual([ids.alicePublished, ids.aliceDraft, ids.bobPublished]);
    const one = await rest(`/post?where=${encodeURIComponent(JSON.stringify({ id: ids.bobDraft }))}`, { viewer: alice });
    expect([one.status, one.body]).toEqual([200, null]);
  });

  it('authenticates REST requests like GraphQL ones (admin secret header)', async () => {
    const res = await rest('/posts-count', { headers: { 'x-strata-admin-secret': ADMIN_SECRET } });
    expect([res.status, res.body]).toEqual([200, 4]);
  });

  it('writes through the rules, answering their errors with the matching HTTP status', async () => {
    const anonymous = await post('/create-post', { data: { slug: 'rest', title: 'Rest' } });
    expect([anonymous.status, anonymous.body.errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);

    const created = await post('/create-post', { data: { slug: 'rest', title: 'Rest' } }, { viewer: alice });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ slug: 'rest', title: 'Rest', authorId: alice.kind === 'user' ? alice.id : 0 });

    const forbidden = await post('/update-post', { where: { id: ids.bobPublished }, data: { title: 'mine now' } }, { viewer: alice });
    expect([forbidden.status, forbidden.body.errors[0].extensions.code]).toEqual([403, 'FORBIDDEN']);
    const hidden = await post('/update-post', { where: { id: ids.bobDraft }, data: { title: 'mine now' } }, { viewer: alice });
    expect([hidden.status, hidden.body.errors[0].extensions.code]).toEqual([404, 'NOT_FOUND']);
    const invalid = await post('/create-post', { data: { slug: 'rest', title: 'Rest again' } }, { viewer: alice });
    expect([invalid.status, invalid.body.errors[0].extensions.code]).toEqual([409, 'CONFLICT']);
  });

  it('serves custom mutations too (publishPost)', async () => {
    const res = await post('/publish-post', { id: ids.aliceDraft }, { viewer: alice });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ids.aliceDraft, published: true, status: 'PUBLISHED' });
  });

  it('masks unexpected errors and keeps AppErrors, as GraphQL does', async () => {
    const crash = await rest('/crashes');
    expect([crash.status, crash.body.errors[0]]).toEqual([500, { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(crash.text).not.toMatch(/secret/);
    const refused = await rest('/refuses');
    expect([refused.status, refused.body.errors[0].message]).toEqual([409, 'Refused on purpose']);
    const denied = await rest('/forgot-access');
    expect([denied.status, denied.body.errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('refuses cookie requests that skipped a CORS preflight, and SOFA subscription webhooks', async () => {
    const forged = await rest('/create-post', { method: 'POST', headers: { cookie: 'strata_session=x', 'content-type': 'text/plain' }, body: '{"data":{}}' });
    expect([forged.status, forged.body.errors[0].message]).toEqual([403, 'Required CSRF header(s) not present']);
    const webhook = await post('/webhook', { subscription: 'postChanged', url: 'http://169.254.169.254/' });
    expect(webhook.status).toBe(404);
  });
});
