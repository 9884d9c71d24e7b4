import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { expectValidSdl, logEnv, smokeModel } from './smoke-driver.ts';

const schemaPath = path.resolve(import.meta.dirname, '../fixtures/schemas/ids-and-scalars.prisma');

describe.each(providers)('ids-and-scalars fixture on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath, env: logEnv });
  });
  afterAll(() => t?.close());

  it('prints a valid SDL', () => {
    expectValidSdl(t);
  });

  it.each(['Everything', 'Token', 'Pairing', 'Diary', 'Stamp'])('runs the CRUD smoke pass on %s', async (model) => {
    await smokeModel(t, model);
  });
});
