import { describe, expect, it } from 'vitest';
import { compileOrderBy } from '../../src/reads/sql/compile-order-by.ts';
import { compileWhere } from '../../src/reads/sql/compile-where.ts';
import { providers } from '../support/databases.ts';
import { randomWhere } from './random-where.ts';
import { seedRelations, seedScalars } from './seed-values.ts';
import { CASES, createRandom, fuzzSeed, randomOrderBy, runCompiled, show, useSeededFixture } from './values-fuzz.ts';

const fixtures = [
  { schema: 'relations', seed: seedRelations },
  { schema: 'ids-and-scalars', seed: seedScalars },
];
const cases = providers.flatMap((provider) => fixtures.map((f) => [provider, f] as const));

/**
 * Random orderings (scalars, NULLs placement, to-one relation columns,
 * to-many counts; ending on the primary key so the order is total), with
 * filters, take and skip, through Prisma's findMany and the compiled ORDER BY.
 */
describe.each(cases)('compileOrderBy against Prisma on %s', (provider, fixture) => {
  const fx = useSeededFixture(provider, fixture);
  const { world, models, prismaIds } = fx;

  it(`orders ${CASES} random lists as Prisma does (${fixture.schema})`, async () => {
    const r = createRandom(fuzzSeed);
    for (let i = 0; i < CASES; i++) {
      const model = r.pick(fx.t.app.datamodel.models);
      const where = r.chance(0.4) ? randomWhere(r, world(), model, 1) : undefined;
      const orderBy = randomOrderBy(r, models, model);
      const take = r.chance(0.5) ? 1 + r.int(6) : undefined;
      const skip = r.chance(0.3) ? r.int(4) : undefined;
      const label = `STRATA_FUZZ_SEED=${fuzzSeed} case ${i}: ${model.name} ${show({ where, orderBy, take, skip })}`;
      let expected: string[];
      try {
        expected = await prismaIds(model, { where, orderBy, take, skip });
      } catch {
        continue;
      }
      const actual = await runCompiled(fx.t, model, (ctx, alias) => ({
        where: [compileWhere(ctx, model, alias, where)],
        orderBy: compileOrderBy(ctx, model, alias, orderBy),
        take,
        skip,
      }));
      expect(actual, label).toEqual(expected);
    }
  });
});
