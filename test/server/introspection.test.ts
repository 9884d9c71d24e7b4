import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

const ADMIN_SECRET = 'introspection-test-admin-secret-long-enough-for-production';
const adminHeader = { 'x-strata-admin-secret': ADMIN_SECRET };
const codes = (res: GraphQLResponse) => res.errors?.map((e) => e.extensions.code);

/** Introspection in every form a client may send it. */
const introspections = [
  '{ __schema { types { name } } }',
  '{ __type(name: "Post") { fields { name } } }',
  'query { ...S } fragment S on Query { __schema { queryType { name } } }',
  '{ posts(take: 1) { id } __schema { queryType { name } } }',
];

const user = (role: string): Viewer => ({ kind: 'user', id: 1, email: 'u@example.com', role, sessionId: 's' });

describe.each(providers)('introspection on %s', (provider) => {
  let dev: TestApp;
  let production: TestApp;
  let off: TestApp;
  beforeAll(async () => {
    dev = await createTestApp(provider, { env: { STRATA_ADMIN_SECRET: ADMIN_SECRET } });
    production = await createTestApp(provider, { env: { STRATA_ENV: 'production', LOG_LEVEL: 'silent', STRATA_ADMIN_SECRET: ADMIN_SECRET } });
    off = await createTestApp(provider, { env: { STRATA_INTROSPECTION: 'off', STRATA_ADMIN_SECRET: ADMIN_SECRET } });
  });
  afterAll(async () => {
    await dev?.close();
    await production?.close();
    await off?.close();
  });

  const openapi = (t: TestApp, path = '/rest/openapi.json', headers: Record<string, string> = {}, viewer?: Viewer) =>
    t.app.yoga.fetch(`http://127.0.0.1${path}`, { headers }, viewer ? { viewer } : {});

  it('is open to everyone outside production (STRATA_INTROSPECTION=all)', async () => {
    for (const query of introspections) expect((await dev.gql(query)).errors).toBeUndefined();
    expect((await openapi(dev)).status).toBe(200);
  });

  it('refuses anonymous callers and plain users in production with FORBIDDEN, whatever the form', async () => {
    for (const query of introspections) {
      for (const gql of [production.gql, production.as(user('USER'))]) {
        const res = await gql(query);
        expect(codes(res)).toEqual(['FORBIDDEN']);
        expect(res.errors![0].message).toBe('Introspection is for admins only (STRATA_INTROSPECTION=admin)');
        expect(res.data ?? null).toBeNull();
      }
    }
  });

  it('answers __typename, which is not introspection, in production', async () => {
    expect((await production.gql('{ __typename posts(take: 1) { __typename } }')).data).toEqual({ __typename: 'Query', posts: [] });
  });

  it('decides per operation of a document, the same on every request (the check is remembered per document)', async () => {
    const document = 'query Plain { __typename } query Schema { __schema { queryType { name } } }';
    const run = async (operationName: string) => {
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: document, operationName }) };
      return (await production.app.yoga.fetch(`http://127.0.0.1${production.app.config.graphqlPath}`, init)).json();
    };
    for (let i = 0; i < 2; i++) {
      expect(await run('Plain')).toEqual({ data: { __typename: 'Query' } });
      expect(codes(await run('Schema'))).toEqual(['FORBIDDEN']);
    }
  });

  it('serves introspection in production to the admin secret (GraphiQL sends it) and to signed-in admins', async () => {
    for (const query of introspections) {
      expect((await production.gql(query, {}, adminHeader)).errors).toBeUndefined();
      expect((await production.as(user('ADMIN'))(query)).errors).toBeUndefined();
    }
  });

  it('guards the OpenAPI document and Swagger UI the same way', async () => {
    for (const path of ['/rest/openapi.json', '/rest/docs']) {
      const anonymous = await openapi(production, path);
      expect(anonymous.status).toBe(403);
      expect((await anonymous.json()).errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await openapi(production, path, {}, user('USER'))).status).toBe(403);
    }
    const forAdmin = await openapi(production, '/rest/openapi.json', adminHeader);
    expect(forAdmin.status).toBe(200);
    expect(Object.keys((await forAdmin.json()).paths).length).toBeGreaterThan(10);
    expect((await openapi(production, '/rest/openapi.json', {}, user('ADMIN'))).status).toBe(200);
    // A wrong admin secret is UNAUTHENTICATED, as everywhere.
    expect((await openapi(production, '/rest/openapi.json', { 'x-strata-admin-secret': 'wrong' })).status).toBe(401);
  });

  it('leaves the REST API itself to the rules', async () => {
    const res = await openapi(production, '/rest/posts');
    expect(res.status).not.toBe(403);
  });

  it('refuses everyone, admins included, with STRATA_INTROSPECTION=off', async () => {
    for (const query of introspections) {
      const res = await off.gql(query, {}, adminHeader);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.errors![0].message).toBe('Introspection is off (STRATA_INTROSPECTION=off)');
    }
    expect((await openapi(off, '/rest/openapi.json', adminHeader)).status).toBe(403);
  });
});
