import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { column, table } from '../../src/reads/sql/columns.ts';
import { scalarJson } from '../../src/reads/sql/scalar-json.ts';
import { createSqlContext, quote } from '../../src/reads/sql/sql-context.ts';
import { type DmmfModel, idFields, isOmitted, scalarFields } from '../../src/base/datamodel.ts';
import { names } from '../../src/base/naming.ts';
import { providers, type Provider } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { seedLists, seedScalars } from './seed-values.ts';
import { schemaPath } from './values-fuzz.ts';

/** Enums named and valued like GraphQL's own words (`true`, `null`, `SortOrder`), mapped values, NULLs. */
async function seedReserved(t: TestApp): Promise<void> {
  const p = t.prisma as any;
  for (const [i, flag] of ['true', 'false', 'null', null].entries()) {
    await p.query.create({ data: { text: `q${i}`, order: i % 2 ? 'desc' : 'asc', flag } });
  }
}

const fixtures: { schema: string; seed: (t: TestApp) => Promise<void>; only?: Provider }[] = [
  { schema: 'ids-and-scalars', seed: seedScalars },
  { schema: 'reserved-names', seed: seedReserved },
  { schema: 'scalar-lists', seed: seedLists, only: 'postgresql' },
];
const cases = providers.flatMap((provider) => fixtures.filter((f) => !f.only || f.only === provider).map((f) => [provider, f] as const));

/**
 * Every scalar of every row, encoded by scalarJson in SQL, is the exact JSON
 * text of the same value in today's GraphQL response.
 */
describe.each(cases)('scalarJson against the GraphQL response on %s', (provider, fixture) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath: schemaPath(fixture.schema), env: { STRATA_REST: 'false' } });
    await fixture.seed(t);
  });
  afterAll(() => t?.close());

  /** Per row (by primary key), per field: the JSON text the GraphQL response holds. */
  async function fromGraphql(model: DmmfModel, fields: string[]): Promise<Map<string, Record<string, string>>> {
    const list = names.findMany(model.name);
    const response = await t.gql(`{ ${list} { ${fields.join(' ')} } }`);
    expect(response.errors).toBeUndefined();
    const ids = idFields(model);
    return new Map(
      (response.data[list] as Record<string, unknown>[]).map((row) => [
        ids.map((f) => JSON.stringify(row[f])).join('|'),
        Object.fromEntries(fields.map((f) => [f, JSON.stringify(row[f])])),
      ]),
    );
  }

  /** The same, each value selected on its own through scalarJson and rendered as the JSON functions render it. */
  async function fromSql(model: DmmfModel, fields: string[]): Promise<Map<string, Record<string, string>>> {
    const ctx = createSqlContext(t.app.datamodel, provider);
    const alias = ctx.alias();
    const pg = provider === 'postgresql';
    const json = (expr: string) => (pg ? `COALESCE(to_json(${expr})::text, 'null')` : `json_quote(${expr})`);
    const ids = idFields(model);
    const select = [...ids, ...fields].map((name, i) => {
      const field = model.fields.find((f) => f.name === name)!;
      return `${json(scalarJson(ctx, field, column(alias, field)))} AS ${quote(`c${i}`)}`;
    });
    const rows = (await (t.prisma as any).$queryRawUnsafe(`SELECT ${select.join(', ')} FROM ${table(model)} AS ${quote(alias)}`)) as Record<string, string>[];
    return new Map(
      rows.map((row) => [ids.map((_, i) => row[`c${i}`]).join('|'), Object.fromEntries(fields.map((f, i) => [f, row[`c${ids.length + i}`]]))]),
    );
  }

  it(`builds the same rows inside json_build_object / json_object (${fixture.schema})`, async () => {
    for (const model of t.app.datamodel.models) {
      const fields = scalarFields(model).filter((f) => !isOmitted(f));
      const list = names.findMany(model.name);
      const response = await t.gql(`{ ${list} { ${fields.map((f) => f.name).join(' ')} } }`);
      const ctx = createSqlContext(t.app.datamodel, provider);
      const alias = ctx.alias();
      const pairs = fields.map((f) => `'${f.name}', ${scalarJson(ctx, f, column(alias, f))}`).join(', ');
      const object = provider === 'postgresql' ? `json_build_object(${pairs})::text` : `json_object(${pairs})`;
      const rows = (await (t.prisma as any).$queryRawUnsafe(`SELECT ${object} AS j FROM ${table(model)} AS ${quote(alias)}`)) as { j: string }[];
      const key = (row: Record<string, unknown>) => JSON.stringify(idFields(model).map((f) => row[f]));
      const built = rows.map((r) => JSON.parse(r.j) as Record<string, unknown>).sort((a, b) => key(a).localeCompare(key(b)));
      const served = (response.data[list] as Record<string, unknown>[]).sort((a, b) => key(a).localeCompare(key(b)));
      expect(built).toEqual(served);
      // Key order and value text too, once the databases' separators are normalised by a parse.
      expect(built.map((r) => JSON.stringify(r))).toEqual(served.map((r) => JSON.stringify(r)));
    }
  });

  it(`encodes every scalar exactly as the API does (${fixture.schema})`, async () => {
    let compared = 0;
    for (const model of t.app.datamodel.models) {
      const fields = scalarFields(model).filter((f) => !isOmitted(f)).map((f) => f.name);
      const expected = await fromGraphql(model, fields);
      const actual = await fromSql(model, fields);
      expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, values] of expected) {
        for (const field of fields) {
          expect(actual.get(key)![field], `${model.name}.${field} of ${key}`).toBe(values[field]);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});
