import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases.ts';
import { waitForLine } from '../support/wait-for-line.ts';

const exec = promisify(execFile);
const repo = path.resolve('.');

/** A free port: the verification link is built from the configured port, so `--port 0` would print a dead link. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const graphql = (url: string, query: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) }).then(
    (r) => r.json() as Promise<{ data?: any; errors?: { message: string; extensions?: { code?: string } }[] }>,
  );

describe.each(providers)('a project made by strata init, Strata linked from a path (%s)', (provider) => {
  let root: string;
  let dir: string;
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const strata = (...args: string[]) => exec(process.execPath, [path.join(dir, 'node_modules/strata-graphql/bin/strata.js'), ...args], { cwd: dir, env });

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'strata-linked-'));
    dir = path.join(root, 'my-app');
    db = await createTestDatabase(provider);
    env = { ...process.env, DATABASE_URL: db.url, STRATA_ENV: 'development', LOG_LEVEL: 'info' };
    await exec(process.execPath, [path.join(repo, 'bin/strata.js'), 'init', dir], { cwd: root });
    // A CommonJS package.json: app code still loads as ES modules.
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, type: 'commonjs' }, null, 2));
    mkdirSync(path.join(dir, 'node_modules'));
    // Strata linked in as `npm i <path to strata>` does: a symlink.
    symlinkSync(repo, path.join(dir, 'node_modules', 'strata-graphql'), 'junction');
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it('init writes the starter: schema, seed, rules, hooks, package.json with the strata scripts, README', () => {
    for (const file of ['prisma/schema.prisma', 'prisma/seed.ts', 'app/rules.ts', 'app/hooks.ts', 'README.md', '.gitignore', 'package.json']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toHaveProperty('strata-graphql');
    expect(pkg.scripts).toMatchObject({ dev: 'strata dev', seed: 'strata seed', reset: 'strata reset' });
    expect(readFileSync(path.join(dir, 'app/rules.ts'), 'utf8')).toContain("from 'strata-graphql'");
  });

  it('init refuses a folder that is not empty', async () => {
    await expect(exec(process.execPath, [path.join(repo, 'bin/strata.js'), 'init', dir])).rejects.toMatchObject({ stderr: expect.stringMatching(/not empty/) });
  });

  it('seed pushes the schema of an empty database and runs prisma/seed.ts; promote makes a user admin', async () => {
    const seeded = await strata('seed');
    expect(seeded.stdout).toContain('Seeded from prisma/seed.ts');
    const promoted = await strata('promote', 'alice@example.com');
    expect(promoted.stdout).toMatch(/alice@example.com is now an admin/);
    await expect(strata('promote', 'nobody@example.com')).rejects.toMatchObject({ stderr: expect.stringMatching(/no user with the email/) });
  });

  it('dev names the rules it loaded, reloads edited rules, and the printed verification link verifies', async () => {
    // stderr piped too: `strata dev` logs there (reloads, the dev mail outbox).
    const child: ChildProcess = spawn(process.execPath, [path.join(dir, 'node_modules/strata-graphql/bin/strata.js'), 'dev', '--port', String(await freePort())], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [, url] = await waitForLine(child, /GraphiQL: (http:\/\/127\.0\.0\.1:\d+\/graphql)[\s\S]*Rules: app\/rules\.ts[\s\S]*Become admin: /);
      const denied = await graphql(url, '{ todos { title } }');
      expect(denied.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

      const reloaded = waitForLine(child, /App code changed \(rules\.ts\)/);
      const rules = path.join(dir, 'app/rules.ts');
      writeFileSync(rules, readFileSync(rules, 'utf8').replace("read: ownedBy('ownerId'),", 'read: true,'));
      await reloaded;
      const listed = await graphql(url, '{ todos(orderBy: { id: asc }) { title } }');
      expect(listed.data?.todos.map((t: { title: string }) => t.title)).toEqual(['Read the README', 'Invite the team']);

      const mailed = waitForLine(child, /(http:\/\/127\.0\.0\.1:\d+\/verify-email\?token=[A-Za-z0-9_-]+)/);
      const signedUp = await graphql(url, 'mutation { signUp(email: "bob@example.com", password: "a long password") { __typename } }');
      expect(signedUp.errors).toBeUndefined();
      const [, link] = await mailed;
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('bob@example.com is verified');
      expect((await fetch(link)).status).toBe(400);
      const signedIn = await graphql(url, 'mutation { signIn(email: "bob@example.com", password: "a long password") { __typename } }');
      expect(signedIn.errors).toBeUndefined();
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
  });

  it('migrate dev after dev pushed names strata reset --empty; reset re-creates and seeds, from migrations once there are some', async () => {
    const drift = await strata('migrate', 'dev', '--name', 'init').catch((error) => error as { stderr: string; code: number });
    expect(drift).toMatchObject({ code: 1, stderr: expect.stringMatching(/strata reset --empty/) });

    const reset = await strata('reset');
    expect(reset.stdout).toMatch(/all tables dropped[\s\S]*pushed the schema[\s\S]*Seeded from prisma\/seed\.ts/);
    await strata('reset', '--empty');
    const migrated = await strata('migrate', 'dev', '--name', 'init');
    expect(migrated.stdout).toMatch(/Created and applied prisma\/migrations\/\d+_init\/migration\.sql/);
    expect(readdirSync(path.join(dir, 'prisma/migrations')).some((f) => f.endsWith('_init'))).toBe(true);
    // With migrations, reset applies them instead of pushing, then seeds; a drifted database now points at plain reset.
    const again = await strata('reset');
    expect(again.stdout).toMatch(/Applied 1 migration\(s\) from prisma\/migrations[\s\S]*Seeded/);
  });

  it('reset refuses a production database without --force', async () => {
    await expect(exec(process.execPath, [path.join(dir, 'node_modules/strata-graphql/bin/strata.js'), 'reset'], { cwd: dir, env: { ...env, STRATA_ENV: 'production' } })).rejects.toMatchObject({
      stderr: expect.stringMatching(/refusing to erase a production database/),
    });
  });
});
