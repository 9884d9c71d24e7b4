import { describe, expect, it } from 'vitest';
import { compileCursor } from '../../src/reads/sql/compile-cursor.ts';
import { compileOrderBy } from '../../src/reads/sql/compile-order-by.ts';
import { compileWhere } from '../../src/reads/sql/compile-where.ts';
import { delegateName, idFields } from '../../src/base/datamodel.ts';
import { providers } from '../support/databases.ts';
import { quote } from '../../src/reads/sql/sql-context.ts';
import { randomWhere } from './random-where.ts';
import { seedRelations, seedScalars } from './seed-values.ts';
import { CASES, flip, lastStatement, createRandom, fuzzSeed, randomOrderBy, type Row, runCompiled, show, useSeededFixture } from './values-fuzz.ts';

const fixtures = [
  { schema: 'relations', seed: seedRelations },
  { schema: 'ids-and-scalars', seed: seedScalars },
];
const cases = providers.flatMap((provider) => fixtures.map((f) => [provider, f] as const));

/**
 * Cursor pagination: random orderings (ending on the primary key, so the
 * order is total), filters that keep or drop the cursor row, cursors at
 * missing rows, positive and negative `take`, and `skip`, through Prisma's
 * findMany and through the compiled cursor condition.
 */
describe.each(cases)('compileCursor against Prisma on %s', (provider, fixture) => {
  const fx = useSeededFixture(provider, fixture);
  const { world, models, prismaIds } = fx;

  it(`pages ${CASES} random cursors as Prisma does (${fixture.schema})`, async () => {
    const r = createRandom(fuzzSeed + 1);
    let nonEmpty = 0;
    for (let i = 0; i < CASES; i++) {
      const model = r.pick(fx.t.app.datamodel.models);
      const all = fx.rows(model.name);
      if (!all.length) continue;
      const where = r.chance(0.4) ? randomWhere(r, world(), model, 1) : undefined;
      const orderBy = r.chance(0.15) ? undefined : randomOrderBy(r, models, model);
      const row = r.pick(all);
      const ids = idFields(model);
      // A cursor names a row by its primary key (a compound one under its Prisma name); sometimes a row that does not exist.
      const values = Object.fromEntries(ids.map((f) => [f, r.chance(0.1) && typeof row[f] === 'string' ? `${row[f]}-gone` : row[f]]));
      const keyName = model.primaryKey?.name ?? ids.join('_');
      const cursor = ids.length === 1 ? values : { [keyName]: values };
      const take = r.pick([1, 2, 3, 5, -1, -2, -4, 100, -100]);
      const skip = r.chance(0.5) ? r.pick([0, 1, 2]) : undefined;
      const label = () => `${provider} STRATA_FUZZ_SEED=${fuzzSeed} cursor case ${i}: ${model.name} ${show({ where, orderBy, cursor, take, skip })}`;
      let expected: string[];
      try {
        expected = await prismaIds(model, { where, orderBy, cursor, take, skip });
      } catch {
        continue;
      }
      const backwards = take < 0;
      const actual = await runCompiled(fx.t, model, (ctx, alias) => {
        const filter = compileWhere(ctx, model, alias, where);
        // Prisma runs a negative take in the reversed order, then flips the page back.
        // Without an orderBy Prisma orders by the primary key; the statement ends with the primary key ascending, as the read compiler's do.
        const given = orderBy ?? idFields(model).map((f) => ({ [f]: 'asc' }));
        const order = [...compileOrderBy(ctx, model, alias, backwards ? flip(given) : given), ...compileOrderBy(ctx, model, alias, idFields(model).map((f) => ({ [f]: 'asc' })))];
        const scope = (at: string) => compileWhere(ctx, model, at, where);
        return { where: [filter, compileCursor(ctx, model, alias, cursor, orderBy, backwards, { scope })], orderBy: order, take: Math.abs(take), skip };
      });
      if (backwards) actual.reverse();
      expect(actual, `${label()}\n${lastStatement.sql}\n${show(lastStatement.params)}`).toEqual(expected);
      if (expected.length) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(0);
  });

  it.runIf(fixture.schema === 'relations')('pages nested lists from a cursor as Prisma does (relations)', async () => {
    const r = createRandom(fuzzSeed + 2);
    const nested = [
      ['Member', 'authored', 'authorId'],
      ['Category', 'children', 'parentId'],
      ['Article', 'notes', 'articleId'],
    ] as const;
    let nonEmpty = 0;
    for (let i = 0; i < CASES / 3; i++) {
      const [parentName, relation, key] = r.pick(nested);
      const parent = fx.t.app.datamodel.model(parentName);
      const model = fx.t.app.datamodel.model(parent.fields.find((f) => f.name === relation)!.type);
      const all = fx.rows(model.name);
      const where = r.chance(0.4) ? randomWhere(r, world(), model, 1) : undefined;
      const orderBy = r.chance(0.15) ? undefined : randomOrderBy(r, models, model);
      const cursor = { id: r.chance(0.1) ? 'gone' : r.pick(all).id };
      const take = r.pick([1, 2, 3, -1, -2, 100]);
      const skip = r.chance(0.5) ? r.pick([0, 1]) : undefined;
      const label = `${provider} STRATA_FUZZ_SEED=${fuzzSeed} nested case ${i}: ${parentName}.${relation} ${show({ where, orderBy, cursor, take, skip })}`;
      let parents: Row[];
      try {
        parents = await (fx.t.prisma as any)[delegateName(parentName)].findMany({ select: { id: true, [relation]: { where, orderBy, cursor, take, skip, select: { id: true } } } });
      } catch {
        continue;
      }
      const backwards = take < 0;
      for (const p of parents) {
        const expected = (p[relation] as Row[]).map((row) => String(row.id));
        const actual = await runCompiled(fx.t, model, (ctx, alias) => {
          const link = (a: string) => `${quote(a)}.${quote(key)} = ${ctx.params.add(p.id)}`;
          const given = orderBy ?? idFields(model).map((f) => ({ [f]: 'asc' }));
          const order = [...compileOrderBy(ctx, model, alias, backwards ? flip(given) : given), ...compileOrderBy(ctx, model, alias, [{ id: 'asc' }])];
          const scope = (at: string) => [link(at), compileWhere(ctx, model, at, where)].filter(Boolean).join(' AND ');
          return { where: [link(alias), compileWhere(ctx, model, alias, where), compileCursor(ctx, model, alias, cursor, orderBy, backwards, { scope, nested: true })], orderBy: order, take: Math.abs(take), skip };
        });
        if (backwards) actual.reverse();
        expect(actual, `${label} parent ${String(p.id)}\n${lastStatement.sql}`).toEqual(expected);
        if (expected.length) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(0);
  });
});
