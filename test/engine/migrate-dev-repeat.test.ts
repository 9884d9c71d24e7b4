import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDev } from '../../src/engine/migrations.ts';
import { prepareAppSchema } from '../../src/server/prepare-app-schema.ts';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases.ts';

/** A schema whose `Note` model has `columns` extra columns: each step is one more migration. */
const schemaWith = (columns: number) => `
datasource db {
  provider = "postgresql"
}

model Note {
  id   Int    @id @default(autoincrement())
  text String
${Array.from({ length: columns }, (_, i) => `  extra${i} String?`).join('\n')}
}
`;

const RUNS = 6;

describe.skipIf(!providers.includes('postgresql'))('migrate dev run again and again on postgresql', () => {
  let dir: string;
  let db: TestDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'strata-migrate-repeat-'));
    db = await createTestDatabase('postgresql');
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Each run creates and drops a shadow database WITH (FORCE); a connection it terminated used to crash the process (57P01).
  it(`creates and applies ${RUNS} migrations in a row, one per schema change, without an uncaught connection error`, async () => {
    const migrationsDir = path.join(dir, 'migrations');
    const file = path.join(dir, 'schema.prisma');
    for (let run = 0; run < RUNS; run++) {
      writeFileSync(file, schemaWith(run));
      const out = await migrateDev({ databaseUrl: db.url, schema: prepareAppSchema(file, 'postgresql'), migrationsDir, name: `step_${run}` });
      expect(out.created).toMatch(new RegExp(`_step_${run}$`));
    }
    expect(readdirSync(migrationsDir).filter((d) => d.includes('_step_'))).toHaveLength(RUNS);
  });
});

const bin = path.resolve('bin/strata.js');

/** Runs the CLI to its exit; returns its exit code, output and how long it took. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    // Far above the bound the test asserts, so a hang fails with its output instead of the test timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: performance.now() - started });
    });
  });
}

describe.each(providers)('strata migrate dev from the CLI on %s', (provider) => {
  let dir: string;
  let db: TestDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'strata-migrate-cli-'));
    db = await createTestDatabase(provider);
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  // The schema engine leaves 60 s timers behind; they used to keep the process alive a minute after its work.
  it('exits promptly after each run, the first and a later one', async () => {
    const file = path.join(dir, 'schema.prisma');
    for (let run = 0; run < 2; run++) {
      writeFileSync(file, schemaWith(run));
      const result = await runCli(['migrate', 'dev', '--schema', file, '--name', `step_${run}`], { DATABASE_URL: db.url });
      expect(result.out).toMatch(new RegExp(`Created and applied .*_step_${run}`));
      expect(result.code).toBe(0);
      expect(result.ms).toBeLessThan(20_000);
    }
  });
});
