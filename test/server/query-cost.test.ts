import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { queryCost } from '../../src/server/query-cost.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

const codes = (res: GraphQLResponse) => res.errors?.map((e) => e.extensions.code);

/** `take: <take>` at `levels` nested to-many levels: users → posts → tags → posts. */
const nestedTake = (levels: number, take: string) => {
  const chain = ['users', 'posts', 'tags', 'posts'].slice(0, levels);
  return chain.reduceRight((inner, field) => `${field}(take: ${take}) { id ${inner} }`, '');
};

describe.each(providers)('query cost on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider);
  });
  afterAll(() => t.close());

  const cost = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    const operation = document.definitions.find((d) => d.kind === 'OperationDefinition')!;
    return queryCost(t.app.schema, document, operation as any, variables, t.app.config.limits.maxTake);
  };

  it('multiplies each list by its take, its variables, or STRATA_MAX_TAKE when it asks none', () => {
    expect(cost('{ users(take: 10) { id email } }')).toBe(10);
    expect(cost('{ users { posts { title } } }')).toBe(100 * (1 + 100));
    expect(cost('query($n: Int) { users(take: $n) { posts(take: 5) { title } } }', { n: 10 })).toBe(10 * (1 + 5));
    expect(cost('query($n: Int = 3) { users(take: $n) { id } }')).toBe(3);
    // A negative take reads backwards as many rows; a to-one relation or an aggregate is one row.
    expect(cost('{ posts(take: -7) { author { id } } }')).toBe(7 * (1 + 1));
    expect(cost('{ postsAggregate { _count { _all } } }')).toBe(2);
    expect(cost('{ usersConnection(first: 10) { totalCount edges { node { posts(take: 2) { id } } } } }')).toBe(10 * (1 + 1 * (1 + 1 * (1 + 2))));
  });

  it('counts fragments where they are spread and ignores introspection', () => {
    expect(cost('{ ...F } fragment F on Query { users(take: 4) { ...G } } fragment G on User { posts(take: 2) { id } }')).toBe(4 * (1 + 2));
    expect(cost('{ __schema { types { fields { name } } } }')).toBe(0);
  });

  it('refuses take: 100 at four nested levels, as literals and as variables, with BAD_USER_INPUT naming STRATA_MAX_COST', async () => {
    for (const [query, variables] of [
      [`{ ${nestedTake(4, '100')} }`, {}],
      [`query($n: Int) { ${nestedTake(4, '$n')} }`, { n: 100 }],
    ] as const) {
      const statements = await t.countStatements(async () => {
        const res = await t.gql(query, variables);
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0].message).toMatch(/^Query cost 101010100 exceeds STRATA_MAX_COST \(5000000\)/);
      });
      expect(statements).toBe(0);
    }
  });

  it('runs three nested lists at the default page size, and four with smaller pages', async () => {
    expect((await t.gql('{ users { email posts { title comments { body author { email } } } } }')).errors).toBeUndefined();
    expect((await t.gql(`query($n: Int) { ${nestedTake(4, '$n')} }`, { n: 20 })).errors).toBeUndefined();
  });

  it('costs exponentially repeated fragments without expanding them', async () => {
    const fragments = Array.from({ length: 60 }, (_, i) => `fragment F${i} on User { ${i === 59 ? 'posts { id }' : `...F${i + 1} ...F${i + 1}`} }`).join('\n');
    const started = performance.now();
    const res = await t.gql(`{ users(take: 1) { ...F0 } } ${fragments}`);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
