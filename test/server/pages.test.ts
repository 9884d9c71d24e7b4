import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { listen, type Listening } from '../../src/server/listen.ts';
import { graphiqlAssetsPath } from '../../src/server/plugins/use-graphiql.ts';
import { launchBrowser, open, runInGraphiQL, shouldRunBrowser, showQueryDocs, type TestBrowser, textOf, typeInto, waitForText } from '../support/browser.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const ADMIN_SECRET = 'a-browser-test-admin-secret-long-enough';
// Missing Chromium skips these tests on a developer machine only: CI installs it (.ci/run), so there it must fail.
const runBrowser = shouldRunBrowser();

/** Every `src` and `href` of an HTML page. */
const linksOf = (html: string) => [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);

describe('pages and their files over HTTP', () => {
  let dev: TestApp;
  let production: TestApp;
  const get = (t: TestApp, path: string, headers: Record<string, string> = {}) => t.app.yoga.fetch(`http://127.0.0.1${path}`, { headers });
  beforeAll(async () => {
    dev = await createTestApp('sqlite', { env: { STRATA_ENV: 'development', LOG_LEVEL: 'silent' } });
    production = await createTestApp('sqlite', { env: { STRATA_ENV: 'production', LOG_LEVEL: 'silent' } });
  });
  afterAll(async () => {
    await dev?.close();
    await production?.close();
  });

  it('serves a GraphiQL page that loads every file from this server and runs no inline code', async () => {
    const html = await (await get(dev, '/graphql', { accept: 'text/html' })).text();
    const links = linksOf(html);
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const link of links) expect(link.startsWith(graphiqlAssetsPath)).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    // The only inline script is data.
    expect([...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1].trim())).toEqual(['id="graphiql-options" type="application/json"']);
  });

  it('serves GraphiQL files with their content types, cached for good and gzipped for clients that accept it', async () => {
    const plain = await get(dev, `${graphiqlAssetsPath}graphiql.js`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = new Uint8Array(await plain.arrayBuffer());
    expect(body.byteLength).toBeGreaterThan(1_000_000);

    const zipped = await get(dev, `${graphiqlAssetsPath}graphiql.js`, { 'accept-encoding': 'gzip, br' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const compressed = new Uint8Array(await zipped.arrayBuffer());
    // Some fetch implementations decode gzip themselves; either way the bytes are the same file.
    const decoded = compressed.byteLength < body.byteLength ? gunzipSync(compressed) : compressed;
    expect(Buffer.compare(Buffer.from(decoded), Buffer.from(body))).toBe(0);

    expect((await get(dev, `${graphiqlAssetsPath}graphiql.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get(dev, `${graphiqlAssetsPath}favicon.ico`)).headers.get('content-type')).toBe('image/x-icon');
    expect((await get(dev, `${graphiqlAssetsPath}../package.json`)).status).toBe(404);
    expect((await get(dev, `${graphiqlAssetsPath}nothing.js`)).status).toBe(404);
    const post = await dev.app.yoga.fetch(`http://127.0.0.1${graphiqlAssetsPath}graphiql.js`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('sends a browser opening / on to GraphiQL', async () => {
    const root = await get(dev, '/', { accept: 'text/html,application/xhtml+xml' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/graphql']);
    expect((await get(dev, '/')).status).toBe(404);
    expect((await get(production, '/', { accept: 'text/html' })).status).toBe(404);
  });

  it('serves neither GraphiQL, its files, nor the REST docs in production', async () => {
    expect(await (await get(production, '/graphql', { accept: 'text/html' })).text()).not.toMatch(/graphiql/i);
    expect((await get(production, `${graphiqlAssetsPath}graphiql.js`)).status).toBe(404);
    // Not served; an anonymous caller is refused earlier by the introspection guard (STRATA_INTROSPECTION=admin in production).
    expect([403, 404]).toContain((await get(production, '/rest/docs')).status);
  });

  it('serves the REST docs page and Swagger UI files from this server, also to a browser with cookies', async () => {
    const page = await get(dev, '/rest/docs', { cookie: 'theme=dark' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    const links = linksOf(html);
    expect(links.length).toBe(4);
    for (const link of links) {
      expect(link).toMatch(/^\/rest\/docs\/[\d.]+\//);
      const file = await get(dev, link, { cookie: 'theme=dark' });
      expect(file.status).toBe(200);
      expect(file.headers.get('cache-control')).toContain('immutable');
    }
    // The data stays behind REST's CSRF guard.
    expect((await get(dev, '/rest/openapi.json', { cookie: 'theme=dark' })).status).toBe(403);
  });
});

describe.skipIf(!runBrowser)('pages Strata serves, in headless Chromium with no network', () => {
  let t: TestApp;
  let server: Listening;
  let chromium: TestBrowser;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { rules: true, env: { STRATA_ENV: 'development', LOG_LEVEL: 'silent', STRATA_ADMIN_SECRET: ADMIN_SECRET } });
    const author = await t.prisma.user.create({ data: { email: 'ada@example.com' } });
    await t.prisma.post.create({ data: { slug: 'hello', title: 'Hello from the browser test', published: true, authorId: author.id } });
    server = await listen(t.app.handle, '127.0.0.1', 0);
    chromium = await launchBrowser();
  });
  afterAll(async () => {
    await chromium?.close();
    await server?.close(1000);
    await t?.close();
  });

  it('renders GraphiQL, lists the schema in the docs explorer, runs a typed query with a pasted header, all from this server', async () => {
    const { page, requests, failed, external, errors } = await open(chromium.browser, `${server.url}/graphql`);
    await page.waitForSelector('.graphiql-container .graphiql-query-editor .monaco-editor', { timeout: 30_000 });
    expect(await page.title()).toBe('Strata GraphiQL');

    const docs = await showQueryDocs(page, /\bpostsConnection\b/);
    expect(docs).toMatch(/\bposts\b/);
    expect(docs).toMatch(/\bpostsCount\b/);

    // A user's email is readable on their own row only: the admin secret, pasted into the header editor, is what shows it.
    await page.click('.graphiql-editor-tools button[data-name="headers"]');
    await typeInto(page, '-request-headers.json', JSON.stringify({ 'x-strata-admin-secret': ADMIN_SECRET }));
    await waitForText(page, '.monaco-editor[data-uri$="-request-headers.json"]', /x-strata-admin-secret/);

    const result = await runInGraphiQL(page, 'query Titles { posts { title author { email } } }', /Hello from the browser test/);
    expect(result).toContain('ada@example.com');
    expect(result).not.toMatch(/errors/);

    // Headers persist (shouldPersistHeaders): after a reload the pasted secret is still there.
    // GraphiQL saves its tabs, headers included, half a second after the last change.
    await page.waitForFunction((name) => Object.keys(localStorage).some((k) => k.endsWith('tabState') && localStorage.getItem(k)!.includes(name)), { timeout: 10_000 }, 'x-strata-admin-secret');
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('.graphiql-editor-tools button[data-name="headers"]', { timeout: 30_000 });
    await page.click('.graphiql-editor-tools button[data-name="headers"]');
    await page.waitForSelector('.monaco-editor[data-uri$="-request-headers.json"]', { visible: true, timeout: 30_000 });
    await waitForText(page, '.monaco-editor[data-uri$="-request-headers.json"]', /x-strata-admin-secret/);

    expect(external).toEqual([]);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests.some((r) => r.startsWith('POST') && r.includes('/graphql'))).toBe(true);
    await page.close();
  });

  it('renders the REST docs (Swagger UI) from this server, with the API operations listed, for a browser with cookies too', async () => {
    // REST refuses cookie requests without a preflight header: Swagger UI's requests (the spec, "Try it out") send one.
    const { page, failed, external, errors } = await open(chromium.browser, `${server.url}/rest/docs`, { name: 'theme', value: 'dark' });
    await page.waitForSelector('.swagger-ui .opblock', { timeout: 30_000 });
    const text = await textOf(page, '.swagger-ui');
    expect(text).toContain('Strata REST API');
    expect(text).toMatch(/GET\s*\/posts\b/);
    // Try it out: one REST call from the page, answered with the published post.
    await page.click('#operations-default-postsCount_query .opblock-summary');
    await page.waitForSelector('#operations-default-postsCount_query .try-out__btn, #operations-default-postsCount_query .execute');
    const execute = await page.$('#operations-default-postsCount_query .execute');
    if (!execute) await page.click('#operations-default-postsCount_query .try-out__btn');
    await page.click('#operations-default-postsCount_query .execute');
    const live = '#operations-default-postsCount_query .live-responses-table';
    await waitForText(page, `${live} tbody .response-col_status`, /200/);
    expect((await textOf(page, `${live} tbody .response-col_description .highlight-code pre`)).trim()).toBe('1');
    expect(external).toEqual([]);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
