/**
 * Headless Chromium for tests of the pages Strata serves: Debian's `chromium`
 * driven by `puppeteer-core`, with no network but the loopback address.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Debian's Chromium (`apt-get install chromium`); CI installs it (.ci/run). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether browser tests run: when Chromium is installed, and always under CI,
 * where a missing Chromium must fail them instead of skipping. Prints why when they are skipped.
 */
export function shouldRunBrowser(): boolean {
  const run = existsSync(CHROMIUM) || Boolean(process.env.CI);
  if (!run) console.log(`[strata tests] browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium); under CI they fail instead.`);
  return run;
}

/** A running headless Chromium and how to stop it (which also deletes its profile). */
export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Launches headless Chromium with a throwaway profile; no host name resolves but 127.0.0.1. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'strata-chromium-'));
  try {
    const browser = await puppeteer.launch({
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
    return {
      browser,
      close: async () => {
        await browser.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** Every request a page made, the failed ones, and those to any host but the server's (which are blocked). */
export interface Recorded {
  page: Page;
  requests: string[];
  failed: string[];
  external: string[];
  errors: string[];
}

/** Opens `url` in a new tab (with `cookie` set for it), recording its traffic and errors; requests to other hosts are aborted and flagged. */
export async function open(browser: Browser, url: string, cookie?: { name: string; value: string }): Promise<Recorded> {
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

/** The visible text of the first element matching `selector`. */
export const textOf = (page: Page, selector: string): Promise<string> =>
  page.$eval(selector, (element) => (element as HTMLElement).innerText.replace(/\u00a0/g, ' '));

/** Waits until the text of `selector` matches `pattern`; on timeout the error shows the text it had. */
export async function waitForText(page: Page, selector: string, pattern: RegExp, timeout = 30_000): Promise<string> {
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
export async function typeInto(page: Page, uriSuffix: string, text: string): Promise<void> {
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

/** Opens GraphiQL's docs explorer on the `Query` type and waits until its text matches `pattern`; returns that text. */
export async function showQueryDocs(page: Page, pattern: RegExp): Promise<string> {
  await page.click('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]');
  await page.waitForSelector('.graphiql-doc-explorer-root-type a, .graphiql-doc-explorer a.graphiql-doc-explorer-type-name', { timeout: 30_000 });
  await page.evaluate(() => {
    const link = [...document.querySelectorAll<HTMLElement>('.graphiql-doc-explorer a')].find((a) => a.innerText.trim() === 'Query');
    link?.click();
  });
  return waitForText(page, '.graphiql-doc-explorer', pattern);
}

/** Types `query` into GraphiQL's operation editor, runs it (Ctrl+Enter) and waits until the response matches `pattern`; returns the response text. */
export async function runInGraphiQL(page: Page, query: string, pattern: RegExp): Promise<string> {
  await typeInto(page, '-operation.graphql', query);
  await waitForText(page, '.monaco-editor[data-uri$="-operation.graphql"]', new RegExp(escapeRegExp(query.slice(0, 12))));
  await page.keyboard.down('Control');
  await page.keyboard.press('Enter');
  await page.keyboard.up('Control');
  return waitForText(page, '.graphiql-response', pattern);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
