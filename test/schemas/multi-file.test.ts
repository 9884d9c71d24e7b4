import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAppSchema } from '../../src/server/prepare-app-schema.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { appEnv, expectRestServed, expectValidSdl, ok, smokeModel } from './smoke-driver.ts';

const schemaPath = path.resolve(import.meta.dirname, '../fixtures/schemas/multi-file');

describe('a Prisma 6 style multi-file schema folder', () => {
  it('is prepared into one schema without generators or datasource URLs, with the provider forced', () => {
    const prepared = prepareAppSchema(schemaPath, 'postgresql');
    expect(prepared.content).not.toMatch(/^\s*generator\s+\w+|^\s*(url|directUrl)\s*=|env\(/m);
    expect(prepared.content).toMatch(/datasource db \{\s*provider = "postgresql"\s*\}/);
    for (const model of ['Product', 'Customer', 'Order', 'OrderLine']) expect(prepared.content).toContain(`model ${model} {`);
    expect(prepareAppSchema(schemaPath, 'postgresql').hash).toBe(prepared.hash);
  });
});

describe.each(providers)('multi-file fixture on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath, env: appEnv(provider) });
  });
  afterAll(() => t?.close());

  it('prints a valid SDL and serves it as REST too', async () => {
    expectValidSdl(t);
    await expectRestServed(t);
  });

  it.each(['Product', 'Customer', 'Order', 'OrderLine'])('runs the CRUD smoke pass on %s', async (model) => {
    await smokeModel(t, model);
  });

  it('writes across models declared in different files', async () => {
    const data = await ok(
      t,
      `mutation {
        createOrder(data: {
          customer: { connectOrCreate: { where: { email: "c@example.com" }, create: { email: "c@example.com" } } }
          lines: { create: [{ quantity: 3, product: { create: { sku: "SKU-1", name: "Widget", price: "9.99", currency: USD } } }] }
        }) { customer { email } lines { quantity product { sku price currency } } }
      }`,
    );
    expect(data.createOrder).toEqual({
      customer: { email: 'c@example.com' },
      lines: [{ quantity: 3, product: { sku: 'SKU-1', price: '9.99', currency: 'USD' } }],
    });
  });
});
