import { describe, expect, it } from 'vitest';
import { compileWhere } from '../../src/reads/sql/compile-where.ts';
import { delegateName, idFields } from '../../src/base/datamodel.ts';
import { providers, type Provider } from '../support/databases.ts';
import type { TestApp } from '../support/test-app.ts';
import { randomWhere } from './random-where.ts';
import { seedLists, seedRelations, seedScalars } from './seed-values.ts';
import { CASES, createRandom, fuzzSeed, idsOf, type Row, runCompiled, show, useSeededFixture } from './values-fuzz.ts';

const fixtures: { schema: string; seed: (t: TestApp) => Promise<void>; only?: Provider }[] = [
  { schema: 'relations', seed: seedRelations },
  { schema: 'ids-and-scalars', seed: seedScalars },
  { schema: 'scalar-lists', seed: seedLists, only: 'postgresql' },
];

const cases = providers.flatMap((provider) => fixtures.filter((f) => !f.only || f.only === provider).map((f) => [provider, f] as const));

describe.each(cases)('compileWhere against Prisma on %s', (provider, fixture) => {
  const fx = useSeededFixture(provider, fixture);

  /** The same rows through Prisma's findMany and through `WHERE <compileWhere>`, as sorted key lists. */
  async function both(modelName: string, where: Row) {
    const model = fx.models(modelName);
    const expected = (await fx.prismaIds(model, { where })).sort();
    const actual = (await runCompiled(fx.t, model, (ctx, alias) => ({ where: [compileWhere(ctx, model, alias, where)] }))).sort();
    return { expected, actual };
  }

  it(`answers ${CASES} random filters with Prisma's rows (${fixture.schema})`, async () => {
    const r = createRandom(fuzzSeed);
    const world = fx.world();
    let compared = 0;
    let matched = 0;
    for (let i = 0; i < CASES; i++) {
      const model = r.pick(fx.t.app.datamodel.models);
      const where = randomWhere(r, world, model);
      let expected: string[];
      const select = Object.fromEntries(idFields(model).map((f) => [f, true]));
      try {
        expected = idsOf(model, await (fx.t.prisma as any)[delegateName(model.name)].findMany({ where, select })).sort();
      } catch {
        continue; // an input Prisma refuses (e.g. an enum filter with no value in the table)
      }
      const actual = (await runCompiled(fx.t, model, (ctx, alias) => ({ where: [compileWhere(ctx, model, alias, where)] })).catch((error) => {
        throw new Error(`STRATA_FUZZ_SEED=${fuzzSeed} case ${i}: ${model.name} ${show(where)}\n${(error as Error).message}`);
      })).sort();
      expect(actual, `STRATA_FUZZ_SEED=${fuzzSeed} case ${i}: ${model.name} where ${show(where)}`).toEqual(expected);
      compared++;
      if (expected.length) matched++;
    }
    console.log(`[where ${provider} ${fixture.schema}] seed ${fuzzSeed}: ${compared} compared, ${matched} with rows`);
    expect(compared).toBeGreaterThan(CASES / 2);
  });

  it.runIf(fixture.schema === 'relations')('treats LIKE wildcards, NOT over NULLs and empty lists as Prisma does', async () => {
    for (const where of [
      { handle: { contains: '%' } },
      { handle: { contains: '_' } },
      { handle: { startsWith: 'A' } },
      { mentorId: { not: 'nobody' } },
      { NOT: [{ mentorId: 'nobody' }] },
      { handle: { in: [] } },
      { handle: { notIn: [] } },
      { OR: [] },
      { NOT: [] },
      { mentor: { isNot: { mentorId: 'nobody' } } },
      { NOT: { mentor: { is: { mentorId: { not: 'nobody' } } } } },
      { authored: { every: { reviewerId: { not: 'nobody' } } } },
      { mentee: null },
      { passport: { isNot: null } },
      { followers: { some: { handle: 'ann' } } },
      { following: { none: {} } },
    ]) {
      const { expected, actual } = await both('Member', where);
      expect(actual, show(where)).toEqual(expected);
    }
  });
});
