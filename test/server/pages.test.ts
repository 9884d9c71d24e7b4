import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { listen, type Listening } from '../../src/server/listen.ts';
import { graphiqlAssetsPath } from '../../src/server/plugins/use-graphiql.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN_SECRET = 'a-browser-test-admin-secret-long-enough';
// Missing Chromium skips these tests on a developer machine only: CI installs it (.ci/run), so there it must fail.
const runBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runBrowser) console.log(`[strata tests] browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium); under CI they fail instead.`);

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

/** Every request a page made, the failed ones, and those to any host but the server's (which are blocked). */
interface Recorded {
  page: Page;
  requests: string[];
  failed: string[];
  external: string[];
  errors: string[];
}

/** Opens `url` in a new tab (with `cookie` set for it), recording its traffic and errors; requests to other hosts are aborted and flagged. */
async function open(browser: Browser, url: string, cookie?: { name: string; value: string }): Promise<Recorded> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  const record: Recorded = { page, requests: [], failed: [], external: [], errors: [] };
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const target = new URL(request.url());
    record.requests.push(`${request.method()} ${request.url().slice(0, 120)}`);
    if (target.protocol === 'data:' || target.protocol === 'blob:') return void request.continue();
    if (target.hostname !== '127.0.0.1') {
      record.external.push(request.url());
      return void request.abort('blockedbyclient');
    }
    void request.continue();
  });
  page.on('requestfailed', (request) => record.failed.push(`${request.url().slice(0, 120)}: ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) record.failed.push(`${response.url().slice(0, 120)}: HTTP ${response.status()}`);
  });
  page.on('pageerror', (error) => record.errors.push(String((error as Error).message ?? error)));
  page.on('console', (message) => {
    if (message.type() === 'error') record.errors.push(message.text());
  });
  if (cookie) await page.setCookie({ ...cookie, url });
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  return record;
}

/** Waits until the text of `selector` matches `pattern`; on timeout the error shows the text it had. */
async function waitForText(page: Page, selector: string, pattern: RegExp, timeout = 30_000): Promise<string> {
  try {
    // Monaco shows spaces as no-break spaces.
    await page.waitForFunction((s, p) => new RegExp(p).test((document.querySelector(s)?.textContent ?? '').replace(/\u00a0/g, ' ')), { timeout }, selector, pattern.source);
  } catch (error) {
    const text = await page.$eval(selector, (e) => e.textContent).catch(() => '(no such element)');
    throw new Error(`${selector} never matched ${pattern}: ${String(text).replace(/\s+/g, ' ').slice(-2000)}`, { cause: error });
  }
  return textOf(page, selector);
}

/** Replaces the text of the Monaco editor whose model URI ends with `uriSuffix`, typing as a user would (select all, type). */
async function typeInto(page: Page, uriSuffix: string, text: string): Promise<void> {
  const selector = `.monaco-editor[data-uri$="${uriSuffix}"]`;
  await page.waitForSelector(selector, { visible: true, timeout: 30_000 });
  await page.click(selector);
  // Typing before the editor has focus would go nowhere (or to another editor).
  await page.waitForFunction((s) => document.activeElement?.closest('.monaco-editor') === document.querySelector(s), { timeout: 10_000 }, selector);
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  await page.keyboard.sendCharacter(text);
}

/** The visible text of the first element matching `selector`. */
const textOf = (page: Page, selector: string) => page.$eval(selector, (element) => (element as HTMLElement).innerText.replace(/\u00a0/g, ' '));

describe.skipIf(!runBrowser)('pages Strata serves, in headless Chromium with no network', () => {
  let t: TestApp;
  let server: Listening;
  let browser: Browser;
  let profile: string;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { rules: true, env: { STRATA_ENV: 'development', LOG_LEVEL: 'silent', STRATA_ADMIN_SECRET: ADMIN_SECRET } });
    const author = await t.prisma.user.create({ data: { email: 'ada@example.com' } });
    await t.prisma.post.create({ data: { slug: 'hello', title: 'Hello from the browser test', published: true, authorId: author.id } });
    server = await listen(t.app.yoga, '127.0.0.1', 0);
    profile = mkdtempSync(path.join(os.tmpdir(), 'strata-chromium-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // No name but the loopback address resolves: nothing can reach the network, even from a worker the interception misses.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close(1000);
    await t?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('renders GraphiQL, lists the schema in the docs explorer, runs a typed query with a pasted header, all from this server', async () => {
    const { page, requests, failed, external, errors } = await open(browser, `${server.url}/graphql`);
    await page.waitForSelector('.graphiql-container .graphiql-query-editor .monaco-editor', { timeout: 30_000 });
    expect(await page.title()).toBe('Strata GraphiQL');

    await page.click('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]');
    await page.waitForSelector('.graphiql-doc-explorer-root-type a, .graphiql-doc-explorer a.graphiql-doc-explorer-type-name', { timeout: 30_000 });
    await page.evaluate(() => {
      const link = [...document.querySelectorAll<HTMLElement>('.graphiql-doc-explorer a')].find((a) => a.innerText.trim() === 'Query');
      link?.click();
    });
    const docs = await waitForText(page, '.graphiql-doc-explorer', /\bpostsConnection\b/);
    expect(docs).toMatch(/\bposts\b/);
    expect(docs).toMatch(/\bpostsCount\b/);

    // A user's email is readable on their own row only: the admin secret, pasted into the header editor, is what shows it.
    await page.click('.graphiql-editor-tools button[data-name="headers"]');
    await typeInto(page, '-request-headers.json', JSON.stringify({ 'x-strata-admin-secret': ADMIN_SECRET }));
    await waitForText(page, '.monaco-editor[data-uri$="-request-headers.json"]', /x-strata-admin-secret/);

    await typeInto(page, '-operation.graphql', 'query Titles { posts { title author { email } } }');
    await waitForText(page, '.monaco-editor[data-uri$="-operation.graphql"]', /query Titles/);
    await page.keyboard.down('Control');
    await page.keyboard.press('Enter');
    await page.keyboard.up('Control');
    const result = await waitForText(page, '.graphiql-response', /Hello from the browser test/);
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
    const { page, failed, external, errors } = await open(browser, `${server.url}/rest/docs`, { name: 'theme', value: 'dark' });
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
