import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const repo = path.resolve('.');

/** One `describe.each(providers)` block, one nested under a plain describe, and a check of the list itself. */
const sample = `
import { describe, expect, it } from 'vitest';
import { providers } from ${JSON.stringify(path.join(repo, 'test/support/databases.ts'))};

describe.each(providers)('storage on %s', (provider) => {
  it('reads', () => expect(provider).toBe('sqlite'));
  it('writes', () => expect(provider).toBe('sqlite'));
});

describe('outer', () => {
  describe.skipIf(false).each(providers)('nested on %s', (provider) => {
    it('runs', () => expect(provider).toBe('sqlite'));
  });
});

it('lists SQLite only', () => {
  expect(providers).toEqual(['sqlite']);
  expect(providers.includes('postgresql')).toBe(false);
});
`;

interface JsonReport {
  numPassedTests: number;
  numPendingTests: number;
  numFailedTests: number;
  testResults: { assertionResults: { fullName: string; status: string }[] }[];
}

/**
 * Runs vitest, with this repository's global setup, on the sample file in a temp
 * folder outside the repository, with `env` on top of an environment that has no
 * PostgreSQL server and no CI; returns its stdout and JSON report.
 */
async function runSample(dir: string, env: Record<string, string>): Promise<{ stdout: string; report: JsonReport }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|STRATA_TEST_PG|CI$|npm_)/i.test(key)));
  const out = path.join(dir, `report-${Object.values(env).join('-').replace(/\W+/g, '_')}.json`);
  const { stdout } = await exec(
    process.execPath,
    [path.join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--config', path.join(dir, 'vitest.config.mjs'), '--reporter=json', `--outputFile=${out}`],
    { cwd: dir, env: { ...inherited, ...env }, timeout: 90_000 },
  );
  return { stdout, report: JSON.parse(readFileSync(out, 'utf8')) as JsonReport };
}

describe('PostgreSQL halves skipped outside CI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'strata-skipped-pg-'));
    symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'sample.test.ts'), sample);
    writeFileSync(
      path.join(dir, 'vitest.config.mjs'),
      `export default { test: { globalSetup: [${JSON.stringify(path.join(repo, 'test/support/global-setup.ts'))}], include: ['sample.test.ts'], pool: 'forks', maxWorkers: 1 } };\n`,
    );
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['no server binaries', { STRATA_TEST_PG_BIN: path.join(os.tmpdir(), 'no-postgresql-here') }],
    ['STRATA_TEST_PG=off', { STRATA_TEST_PG: 'off' }],
  ])('reports each provider block that lost its PostgreSQL half as skipped, and prints the count (%s)', async (reason, env) => {
    const { stdout, report } = await runSample(dir, env);
    const statuses = Object.fromEntries(report.testResults.flatMap((file) => file.assertionResults.map((test) => [test.fullName, test.status])));
    expect(statuses).toEqual({
      'storage on sqlite reads': 'passed',
      'storage on sqlite writes': 'passed',
      // Registered, not run: their assertions would fail on PostgreSQL.
      'storage on postgresql reads': 'skipped',
      'storage on postgresql writes': 'skipped',
      'outer nested on sqlite runs': 'passed',
      'outer nested on postgresql runs': 'skipped',
      'lists SQLite only': 'passed',
    });
    expect([report.numPassedTests, report.numPendingTests, report.numFailedTests]).toEqual([4, 3, 0]);
    expect(stdout).toContain(`[strata tests] PostgreSQL unavailable (${reason}): 2 provider blocks ran on SQLite only (3 PostgreSQL tests reported as skipped).`);
  });
});
