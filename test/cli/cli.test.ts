import { execFile, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForLine } from '../support/wait-for-line.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/strata.js');

const schema = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}

/// Something to count.
model Gadget {
  id    String @id @default(uuid())
  label String @unique
}
`;


const adminSecret = 'a-test-admin-secret-that-is-long-enough';

/** A schema given with --schema has no rules: every model is admin-only, so the test uses the admin secret. */
const post = (url: string, query: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-strata-admin-secret': adminSecret },
    body: JSON.stringify({ query }),
  }).then((r) => r.json());

describe('the strata CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'strata-cli-'));
    writeFileSync(path.join(dir, 'schema.prisma'), schema);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('dev --schema serves any schema, then reloads when it changes, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'dev', '--schema', path.join(dir, 'schema.prisma'), '--port', '0'], {
      env: { ...process.env, DATABASE_URL: `file:${path.join(dir, 'dev.db')}`, LOG_LEVEL: 'silent', STRATA_ADMIN_SECRET: adminSecret },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      // No rules and no user model: dev says how to get in, without printing the secret.
      const [, url, hint] = await waitForLine(child, /GraphiQL: (http:\/\/127\.0\.0\.1:\d+\/graphql)[\s\S]*?(Full access: .*)/);
      expect(hint).toMatch(/x-strata-admin-secret/);
      expect(hint).not.toContain(adminSecret);
      const created = await post(url, 'mutation { createGadget(data: { label: "one" }) { id label } }');
      expect(created.data.createGadget.label).toBe('one');
      const reloaded = waitForLine(child, /API reloaded/);
      appendFileSync(path.join(dir, 'schema.prisma'), '\nmodel Widget {\n  id Int @id @default(autoincrement())\n  size Int @default(3)\n}\n');
      await reloaded;
      const widgets = await post(url, 'mutation { createWidget(data: {}) { id size } }');
      expect(widgets.data.createWidget.size).toBe(3);
      const gadgets = await post(url, '{ gadgetsCount }');
      expect(gadgets.data.gadgetsCount).toBe(1);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('generate writes schema.graphql beside the schema, and check fails once it drifts', async () => {
    const env = { ...process.env, LOG_LEVEL: 'silent' };
    const file = path.join(dir, 'schema.prisma');
    await run(process.execPath, [bin, 'generate', '--schema', file], { env });
    await expect(run(process.execPath, [bin, 'check', '--schema', file], { env })).resolves.toBeDefined();
    appendFileSync(file, '\nmodel Extra {\n  id Int @id\n}\n');
    const drift = await run(process.execPath, [bin, 'check', '--schema', file], { env }).catch((error) => error);
    expect(drift.code).toBe(1);
    expect(drift.stderr).toMatch(/out of date/);
  });

  it('check passes for the committed schema.graphql of the example app', async () => {
    const { stdout } = await run(process.execPath, [bin, 'check'], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    expect(stdout).toMatch(/up to date/);
  });

  it('reports every bad environment variable at once', async () => {
    const bad = await run(process.execPath, [bin, 'generate'], { env: { ...process.env, PORT: 'x', STRATA_MAX_DEPTH: '0' } }).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/PORT/);
    expect(bad.stderr).toMatch(/STRATA_MAX_DEPTH/);
  });
});
