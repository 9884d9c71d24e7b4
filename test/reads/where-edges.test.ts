import { describe, expect, it } from 'vitest';
import { compileWhere } from '../../src/reads/sql/compile-where.ts';
import { providers } from '../support/databases.ts';
import { seedScalars } from './seed-values.ts';
import { type Row, runCompiled, show, useSeededFixture } from './values-fuzz.ts';

/**
 * Hand-picked edges of the scalar filters, the ones random values drawn from
 * the rows rarely or never reach: values written differently from how they
 * are stored (Decimal `0.30`, a DateTime with an offset, Json keys in another
 * order), numbers at the ends of their types, Json nulls and paths, LIKE with
 * backslashes and non-ASCII case, nested `not`.
 */
function edges(Prisma: Record<string, unknown>, pg: boolean): Row[] {
  // A Json path as each database's Prisma takes it.
  const at = (...keys: string[]) => (pg ? keys : `$${keys.map((k) => (/^\d+$/.test(k) ? `[${k}]` : `."${k}"`)).join('')}`);
  return [
    { label: { contains: '\\' } },
    { label: { contains: '\\s' } },
    { label: { contains: '%_' } },
    { label: { contains: 'ÉLLO' } },
    { label: { contains: 'héllo' } },
    { label: { lt: 'é' } },
    { label: { gt: '' } },
    { label: { not: { contains: '%' } } },
    { label: { not: { not: { contains: '%' } } } },
    { text: { not: { in: ['hello'] } } },
    { text: { not: { notIn: ['hello'] } } },
    { text: { not: { notIn: [] } } },
    { intOpt: { not: { gt: 0, lt: 10 } } },
    { money: { equals: '0.30' } },
    { money: { equals: 1.5 } },
    { money: { equals: '0.1000000000000000055511151231257827' } },
    { money: { equals: '99999999999.0' } },
    { money: { gt: '99999999998.99999999' } },
    { money: { in: ['0.1', '100', '1e21'] } },
    { money: { equals: '1000000000000000000000' } },
    { money: { lte: '1e-7' } },
    { money: { gte: '-12.345000000000000001' } },
    { big: { equals: 9007199254740993n } },
    { big: { gt: 9007199254740992n } },
    { big: { in: [9223372036854775807n, -9223372036854775808n] } },
    { big: { lt: -9223372036854775807n } },
    { float: { equals: -0 } },
    { float: { lt: -1e308 } },
    { float: { gt: 1e308 } },
    { float: { equals: 2.5e-308 } },
    { float: { in: [1e21, 2 ** 53 + 2] } },
    { float: { equals: 2 ** 53 + 2 } },
    { float: { in: [-1e300, 1.5] } },
    { float: { in: [0.7999999999999999, 2 ** 53 + 2] } },
    { int: { in: [-2147483648, 2147483647] } },
    { at: { equals: '1970-01-01T01:00:00+01:00' } },
    { at: { lt: new Date('0001-01-01T00:00:00.001Z') } },
    { at: { gt: new Date('9999-12-31T23:59:59.998Z') } },
    { at: { gte: new Date('1969-12-31T23:59:59.999Z') } },
    { flagOpt: { not: false } },
    { doc: { equals: { a: 'xy', b: { c: 'x%y' } } } },
    { doc: { equals: { b: { c: 'x%y' }, a: 'xy' } } },
    { doc: { equals: [1, 'x', null] } },
    { doc: { equals: -0.25 } },
    { doc: { not: { a: 1 } } },
    { docOpt: { equals: Prisma.JsonNull } },
    { docOpt: { equals: Prisma.AnyNull } },
    { docOpt: { not: Prisma.JsonNull } },
    { docOpt: { not: Prisma.AnyNull } },
    { doc: { path: at('a'), equals: [1, 2] } },
    { doc: { path: at('a'), not: 1 } },
    { doc: { path: at('a'), equals: Prisma.JsonNull } },
    { doc: { path: at('nested', 'deep', '0', 'k'), equals: 'v' } },
    { doc: { path: at('s'), string_contains: 'É' } },
    { doc: { path: at('a'), string_ends_with: '' } },
    { NOT: { doc: { path: at('a'), string_contains: 'x' } } },
    { blob: { in: [new Uint8Array([1]), new Uint8Array([])] } },
    { blobOpt: { not: new Uint8Array([3]) } },
    { level: { not: 'LOW' } },
    { moodOpt: { notIn: ['SAD'] } },
  ];
}

describe.each(providers)('compileWhere at the edges of each type on %s', (provider) => {
  const fx = useSeededFixture(provider, { schema: 'ids-and-scalars', seed: seedScalars });

  it('selects the rows Prisma selects', async () => {
    const model = fx.models('Everything');
    for (const where of edges(fx.t.app.db.Prisma, provider === 'postgresql')) {
      const expected = (await fx.prismaIds(model, { where })).sort();
      const actual = (await runCompiled(fx.t, model, (ctx, alias) => ({ where: [compileWhere(ctx, model, alias, where)] }))).sort();
      expect(actual, show(where)).toEqual(expected);
    }
  });
});
