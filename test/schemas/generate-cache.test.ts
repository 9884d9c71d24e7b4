import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/base/config.ts';
import { createApp } from '../../src/server/create-app.ts';

const schema = (extra = '') => `datasource db {
  provider = "sqlite"
}

model Thing {
  id   String @id @default(cuid())
  name String
${extra}}
`;

describe('prisma generate caching', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const schemaPath = path.join(dir, 'schema.prisma');
  const config = () =>
    // REST off: building it from the schema costs more than loading a cached client, and would blur the timing.
    loadConfig({ STRATA_ENV: 'test', STRATA_REST: 'false', STRATA_SCHEMA: schemaPath, STRATA_CACHE_DIR: path.join(dir, 'cache'), DATABASE_URL: `file:${path.join(dir, 'dev.db')}` });
  const clients = () => readdirSync(path.join(dir, 'cache', 'client')).sort();
  const marker = (hash: string) => statSync(path.join(dir, 'cache', 'client', hash, '.complete')).mtimeMs;

  async function timedApp(): Promise<number> {
    const started = performance.now();
    const app = await createApp(config());
    await app.close();
    return performance.now() - started;
  }

  it('generates once per schema content and reuses the client for an unchanged schema', async () => {
    writeFileSync(schemaPath, schema());
    const cold = await timedApp();
    const [hash] = clients();
    const generatedAt = marker(hash);

    const warm = await timedApp();
    expect(clients()).toEqual([hash]);
    expect(marker(hash)).toBe(generatedAt);
    // prisma generate spawns the CLI and writes the client: the cached path skips all of it.
    expect(warm).toBeLessThan(cold / 2);

    writeFileSync(schemaPath, schema('  size Int @default(0)\n'));
    await timedApp();
    expect(clients()).toHaveLength(2);
    expect(marker(hash)).toBe(generatedAt);
  });
});
