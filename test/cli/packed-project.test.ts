import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, open, runInGraphiQL, shouldRunBrowser, showQueryDocs } from '../support/browser.ts';
import { waitForLine } from '../support/wait-for-line.ts';

const exec = promisify(execFile);
const repo = path.resolve('.');

/**
 * The whole way a user takes: `npm pack` the package, make a project with the
 * starter in a temp folder outside the repository, install the tarball from
 * there (its dependencies come from the npm registry: slow, so it runs in CI
 * or with STRATA_PACKED_TEST=1), then run the installed `strata` bin.
 */
const enabled = !!(process.env.CI || process.env.STRATA_PACKED_TEST);
// Chromium is required under CI (it installs it), optional elsewhere.
const runBrowser = enabled && shouldRunBrowser();

// npm run inside vitest (npx) passes npm_* settings down; the project's own npm must not inherit them.
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

const graphql = (url: string, query: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then(
    (r) => r.json() as Promise<{ data?: any; errors?: { message: string }[] }>,
  );

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  if (child.exitCode === null) await once(child, 'exit');
}

describe.skipIf(!enabled)('strata-graphql packed, installed into a project made by the starter', () => {
  let root: string;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const strataBin = () => path.join(dir, 'node_modules', 'strata-graphql', 'bin', 'strata.js');
  const strata = (...args: string[]) => exec(process.execPath, [strataBin(), ...args], { cwd: dir, env });
  const serve = (...args: string[]) => spawn(process.execPath, [strataBin(), ...args, '--port', '0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'strata-packed-'));
    const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', root], { cwd: repo, env: cleanEnv() });
    const tarball = path.join(root, (JSON.parse(stdout) as { filename: string }[])[0].filename);
    dir = path.join(root, 'my-app');
    await exec(process.execPath, [path.join(repo, 'bin/strata.js'), 'init', dir]);
    await exec('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: dir, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
    env = { ...cleanEnv(), DATABASE_URL: `file:${path.join(dir, '.strata', 'dev.db')}`, LOG_LEVEL: 'warn', STRATA_ENV: 'development' };
  }, 900_000);
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('installs as a dependency: the strata bin and the starter inside the package', async () => {
    expect(existsSync(path.join(dir, 'node_modules', '.bin', 'strata'))).toBe(true);
    const second = path.join(root, 'second-app');
    const made = await exec(process.execPath, [strataBin(), 'init', second]);
    expect(made.stdout).toContain('npm run dev');
    expect(existsSync(path.join(second, 'prisma', 'schema.prisma'))).toBe(true);
  });

  it('migrate dev writes prisma/migrations and applies it; seed fills the database', async () => {
    const migrated = await strata('migrate', 'dev', '--name', 'init');
    expect(migrated.stdout).toMatch(/Created and applied prisma\/migrations\/\d+_init\/migration\.sql/);
    expect(readdirSync(path.join(dir, 'prisma', 'migrations')).some((f) => f.endsWith('_init'))).toBe(true);
    const seeded = await strata('seed');
    expect(seeded.stdout).toContain('Seeded from prisma/seed.ts');
  });

  it('start serves the migrated, seeded database', async () => {
    const child = spawn(process.execPath, [strataBin(), 'start', '--port', '0'], { cwd: dir, env: { ...env, STRATA_ENV: 'production', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [, url] = await waitForLine(child, /"url":"(http:\/\/127\.0\.0\.1:\d+\/graphql)"/);
      expect(await graphql(url, '{ usersCount }')).toEqual({ data: { usersCount: 2 } });
      // No GraphiQL in production: the browser test runs against dev.
      expect(await (await fetch(url, { headers: { accept: 'text/html' } })).text()).not.toMatch(/graphiql/i);
    } finally {
      await stop(child);
    }
  });

  describe('dev', () => {
    let child: ChildProcess;
    let url: string;
    beforeAll(async () => {
      // dev pushes to its own database: the migrated one stays for start.
      env = { ...env, DATABASE_URL: `file:${path.join(dir, '.strata', 'dev-push.db')}` };
      child = serve('dev');
      [, url] = await waitForLine(child, /GraphiQL: (http:\/\/127\.0\.0\.1:\d+\/graphql)[\s\S]*Rules: app\/rules\.ts/);
      await strata('seed');
    }, 120_000);
    afterAll(async () => {
      if (child) await stop(child);
    });

    it('serves the project with its rules, and GraphiQL', async () => {
      expect(await graphql(url, '{ users(orderBy: { id: asc }) { name } }')).toEqual({ data: { users: [{ name: 'Admin' }, { name: 'Alice' }] } });
      const page = await fetch(url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/graphiql/i);
    });

    it.skipIf(!runBrowser)('renders GraphiQL in headless Chromium with no network: the docs list the project schema, a typed query shows its result', async () => {
      const chromium = await launchBrowser();
      try {
        const { page, requests, failed, external, errors } = await open(chromium.browser, url);
        await page.waitForSelector('.graphiql-container .graphiql-query-editor .monaco-editor', { timeout: 30_000 });
        expect(await page.title()).toBe('Strata GraphiQL');
        // The starter's models, not this repository's.
        const docs = await showQueryDocs(page, /todosConnection\(/);
        expect(docs).toMatch(/\btodos\b/);
        expect(docs).toMatch(/\busers\b/);
        expect(docs).not.toMatch(/\bposts\b/);
        const result = await runInGraphiQL(page, 'query Names { users(orderBy: { id: asc }) { name } }', /Alice/);
        expect(result).toContain('Admin');
        expect(result).not.toMatch(/errors/);
        expect(external).toEqual([]);
        expect(failed).toEqual([]);
        expect(errors).toEqual([]);
        expect(requests.some((r) => r.startsWith('POST') && r.includes('/graphql'))).toBe(true);
      } finally {
        await chromium.close();
      }
    });
  });
});
