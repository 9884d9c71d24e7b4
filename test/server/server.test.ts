import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const html = { headers: { accept: 'text/html' } };

describe('the HTTP server', () => {
  let dev: TestApp;
  let production: TestApp;
  beforeAll(async () => {
    dev = await createTestApp('sqlite', { env: { STRATA_ENV: 'development', LOG_LEVEL: 'silent' } });
    production = await createTestApp('sqlite', { env: { STRATA_ENV: 'production', LOG_LEVEL: 'silent' } });
  });
  afterAll(async () => {
    await dev.close();
    await production.close();
  });

  it('serves GraphiQL in development only', async () => {
    const page = await dev.app.yoga.fetch('http://127.0.0.1/graphql', html);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/GraphiQL|graphiql/);
    const none = await production.app.yoga.fetch('http://127.0.0.1/graphql', html);
    expect(await none.text()).not.toMatch(/graphiql/i);
  });

  it('answers /healthz while the process runs and /readyz while the database answers', async () => {
    expect((await dev.app.yoga.fetch('http://127.0.0.1/healthz')).status).toBe(200);
    expect((await dev.app.yoga.fetch('http://127.0.0.1/readyz')).status).toBe(200);
  });

  it('reports not ready once the database is gone, and stays healthy', async () => {
    const t = await createTestApp('sqlite', { env: { LOG_LEVEL: 'silent' } });
    // Prisma reconnects on demand, so stand in for an unreachable database at the client.
    const original = t.prisma.$queryRawUnsafe;
    t.prisma.$queryRawUnsafe = () => Promise.reject(new Error('connection refused'));
    expect((await t.app.yoga.fetch('http://127.0.0.1/readyz')).status).toBe(503);
    expect((await t.app.yoga.fetch('http://127.0.0.1/healthz')).status).toBe(200);
    t.prisma.$queryRawUnsafe = original;
    await t.close();
  });

  it('hides field suggestions in production', async () => {
    const typo = await production.gql('{ postz { id } }');
    expect(JSON.stringify(typo.errors)).not.toMatch(/Did you mean/);
    const helpful = await dev.gql('{ postz { id } }');
    expect(JSON.stringify(helpful.errors)).toMatch(/Did you mean/);
  });
});
