import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { expectValidSdl, logEnv, ok, smokeModel } from './smoke-driver.ts';

const schemaPath = path.resolve(import.meta.dirname, '../fixtures/schemas/scalar-lists.prisma');

// SQLite has no scalar lists: Prisma rejects the schema there.
describe.runIf(providers.includes('postgresql'))('scalar-lists fixture on postgresql', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('postgresql', { schemaPath, env: logEnv });
  });
  afterAll(() => t?.close());

  it('prints a valid SDL', () => {
    expectValidSdl(t);
  });

  it('runs the CRUD smoke pass on Bag', async () => {
    await smokeModel(t, 'Bag');
  });
});
