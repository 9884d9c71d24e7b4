import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { names } from '../../src/base/naming.ts';
import { appEnv } from '../schemas/smoke-driver.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { createLanes, type Lanes } from './compiled-differential.ts';

const typedKeys = path.resolve(import.meta.dirname, 'fixtures/typed-keys.prisma');
const idsAndScalars = path.resolve(import.meta.dirname, '../fixtures/schemas/ids-and-scalars.prisma');

const selection = '{ totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { __typename } } }';

/**
 * Pages a connection forward and backward from every row's cursor (and from a
 * cursor past the last row), in two orders, on both lanes; asserts identical
 * answers and that the lane served every one.
 */
async function pageEverywhere(t: TestApp, lanes: Lanes, model: string, orders: string[]): Promise<number> {
  const connection = names.connection(model);
  const all = await t.gql(`{ ${connection}(first: 100) { edges { cursor } } }`);
  const cursors: string[] = all.data[connection].edges.map((e: { cursor: string }) => e.cursor);
  expect(cursors.length).toBeGreaterThan(2);
  let served = 0;
  for (const order of orders) {
    for (const page of ['first: 2', 'last: 2', 'first: 2, after: $c', 'last: 2, before: $c', 'after: $c', 'before: $c']) {
      for (const cursor of page.includes('$c') ? cursors : [null]) {
        const query = `query${cursor ? '($c: String)' : ''} { ${connection}(${page}${order}) ${selection} }`;
        expect(await lanes.same(query, cursor ? { c: cursor } : {}), query).toBe(true);
        served += 1;
      }
    }
  }
  return served;
}

describe.each(providers)('connections over typed primary keys on %s', (provider) => {
  let t: TestApp;
  let lanes: Lanes;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath: typedKeys, env: appEnv(provider) });
    lanes = createLanes(t);
    for (const [i, id] of [2n ** 62n, -5n, 0n, 9_007_199_254_740_993n].entries()) await t.prisma.ledger.create({ data: { id, note: `n${i % 2}` } });
    for (const [i, amount] of ['1.5', '-0.000001', '123456789012345678.25', '0', '2e-7'].entries()) await t.prisma.price.create({ data: { amount, label: `p${i % 2}` } });
    for (const [i, id] of [[0xff, 0], [0], [1, 2, 3], [0, 0xff]].entries()) await t.prisma.blob.create({ data: { id: new Uint8Array(id), label: `b${i % 2}` } });
    const at = [new Date('2024-01-02T03:04:05.678Z'), new Date('1999-12-31T23:59:59.999Z')];
    for (const [i, shade] of (['LIGHT', 'DARK', 'LIGHT'] as const).entries()) {
      for (const when of at) await t.prisma.reading.create({ data: { at: when, shade, sensor: BigInt(i * 7 - 3), value: i } });
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('pages a BigInt key from every cursor exactly like the general path, on the lane', async () => {
    expect(await pageEverywhere(t, lanes, 'Ledger', ['', ', orderBy: [{ note: desc }]'])).toBeGreaterThan(0);
  });

  it('pages a Decimal key from every cursor exactly like the general path, on the lane', async () => {
    expect(await pageEverywhere(t, lanes, 'Price', ['', ', orderBy: [{ label: desc }]'])).toBeGreaterThan(0);
  });

  it('pages a Bytes key from every cursor exactly like the general path, on the lane', async () => {
    expect(await pageEverywhere(t, lanes, 'Blob', ['', ', orderBy: [{ label: asc }]'])).toBeGreaterThan(0);
  });

  it('pages a compound DateTime, enum and BigInt key from every cursor exactly like the general path, on the lane', async () => {
    expect(await pageEverywhere(t, lanes, 'Reading', ['', ', orderBy: [{ value: desc }]', ', orderBy: [{ shade: asc }]'])).toBeGreaterThan(0);
  });
});

describe.each(providers)('connections over the compound keys of ids-and-scalars on %s', (provider) => {
  it('pages Diary (DateTime and enum) and Pairing (two strings) from every cursor, on the lane', async () => {
    const t = await createTestApp(provider, { schemaPath: idsAndScalars, env: appEnv(provider) });
    try {
      const lanes = createLanes(t);
      for (const [i, mood] of (['HAPPY', 'SAD', 'MEH', 'SAD'] as const).entries()) {
        await t.prisma.diary.create({ data: { day: new Date(Date.UTC(2024, 0, 1 + (i % 3))), mood, entry: i % 2 ? null : `e${i}` } });
        await t.prisma.pairing.create({ data: { left: `l${i % 2}`, right: `r${i}`, weight: i / 2 } });
      }
      expect(await pageEverywhere(t, lanes, 'Diary', ['', ', orderBy: [{ entry: asc }]'])).toBeGreaterThan(0);
      expect(await pageEverywhere(t, lanes, 'Pairing', ['', ', orderBy: [{ weight: desc }]'])).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
