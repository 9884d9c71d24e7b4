import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCodeBanner } from '../../src/cli/app-code-banner.ts';
import { loadConfig } from '../../src/base/config.ts';

describe('the app folder of a schema given with --schema', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'strata-app-dir-'));
    for (const project of ['with-app', 'without-app']) {
      mkdirSync(path.join(root, project, 'prisma'), { recursive: true });
      writeFileSync(path.join(root, project, 'prisma', 'schema.prisma'), 'model A {\n  id Int @id\n}\n');
    }
    mkdirSync(path.join(root, 'with-app', 'app'));
    writeFileSync(path.join(root, 'with-app', 'app', 'rules.ts'), 'export default {};\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const configFor = (project: string, env: Record<string, string> = {}) =>
    loadConfig({ STRATA_ENV: 'test', STRATA_SCHEMA: path.join(root, project, 'prisma', 'schema.prisma'), ...env });

  it('is the app folder beside the schema folder, and dev names the rules file it loads', () => {
    const config = configFor('with-app');
    expect(config.appDir).toBe(path.join(root, 'with-app', 'app'));
    expect(appCodeBanner(config, true).join('\n')).toMatch(/Rules: .*with-app\/app\/rules\.ts[\s\S]*Become admin: npx strata promote <email>/);
  });

  it('is absent without one, and dev says where it looked instead of ignoring rules silently', () => {
    const config = configFor('without-app');
    expect(config.appDir).toBeUndefined();
    expect(appCodeBanner(config, false)).toEqual([expect.stringMatching(/No app folder \(looked for .*without-app\/app, or set STRATA_APP_DIR\)/)]);
  });

  it('follows STRATA_APP_DIR when it is set', () => {
    expect(configFor('without-app', { STRATA_APP_DIR: path.join(root, 'with-app', 'app') }).appDir).toBe(path.join(root, 'with-app', 'app'));
  });
});
