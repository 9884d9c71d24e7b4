import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

const POSTS = 'query($where: PostWhereInput) { posts(where: $where) { id } }';

/** A `where` nested `levels` deep through AND. */
const nested = (levels: number): Record<string, unknown> => {
  let where: Record<string, unknown> = { title: { equals: 'x' } };
  for (let i = 0; i < levels; i++) where = { AND: where };
  return where;
};
/** The same as a GraphQL literal. */
const nestedLiteral = (levels: number) => `${'{ AND: '.repeat(levels)}{ title: { equals: "x" } }${' }'.repeat(levels)}`;

/** The four attacks of issue 12, item 10, as variables of POSTS and as literals, with the setting each must name. */
const attacks = [
  { name: 'a 1 MB contains string', limit: 'STRATA_MAX_INPUT_STRING', where: { title: { contains: 'a'.repeat(1_000_000) } }, literal: `{ title: { contains: "${'a'.repeat(1_000_000)}" } }` },
  { name: 'a where nested 2000 levels deep', limit: 'STRATA_MAX_INPUT_DEPTH', where: nested(2000), literal: nestedLiteral(2000) },
  { name: 'a 100k-element in list', limit: 'STRATA_MAX_INPUT_LIST', where: { id: { in: Array.from({ length: 100_000 }, (_, i) => i) } }, literal: `{ id: { in: [${Array.from({ length: 100_000 }, (_, i) => i).join(',')}] } }` },
  {
    name: 'a 20k-branch OR',
    limit: 'STRATA_MAX_INPUT_LIST',
    where: { OR: Array.from({ length: 20_000 }, (_, i) => ({ title: { contains: `t${i}` } })) },
    literal: `{ OR: [${Array.from({ length: 20_000 }, (_, i) => `{ title: { contains: "t${i}" } }`).join(',')}] }`,
  },
];

describe.each(providers)('input limits on %s', (provider) => {
  let t: TestApp;
  /** Same limits, but a token limit high enough that big literals reach the input limits. */
  let loose: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider);
    loose = await createTestApp(provider, { env: { STRATA_MAX_TOKENS: '10000000' } });
  });
  afterAll(async () => {
    await t?.close();
    await loose?.close();
  });

  /** Runs `fn` on `app`; expects one BAD_USER_INPUT naming `limit`, no SQL, no logged error, and returns the milliseconds it took. */
  const refused = async (app: TestApp, limit: RegExp | string, fn: () => Promise<GraphQLResponse>) => {
    const logged = vi.spyOn(app.app.log, 'error');
    try {
      let res!: GraphQLResponse;
      const started = performance.now();
      const statements = await app.countStatements(async () => {
        res = await fn();
      });
      const ms = performance.now() - started;
      expect(res.errors?.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toMatch(limit);
      expect(res.data ?? null).toBeNull();
      expect(statements).toBe(0);
      expect(logged).not.toHaveBeenCalled();
      return ms;
    } finally {
      logged.mockRestore();
    }
  };

  for (const attack of attacks) {
    it(`refuses ${attack.name} in variables with BAD_USER_INPUT naming ${attack.limit}, before any SQL`, async () => {
      const ms = await refused(t, attack.limit, () => t.gql(POSTS, { where: attack.where }));
      console.log(`[input-limits] ${provider}: ${attack.name} as variables refused in ${ms.toFixed(0)} ms`);
      // Bound generous enough for a loaded machine; the attacks used to take 2.6-10 s of CPU.
      expect(ms).toBeLessThan(2000);
    });

    it(`refuses ${attack.name} as a literal with BAD_USER_INPUT (the token limit first, else ${attack.limit})`, async () => {
      const query = `{ posts(where: ${attack.literal}) { id } }`;
      await refused(t, attack.limit === 'STRATA_MAX_INPUT_STRING' ? attack.limit : /STRATA_MAX_INPUT|STRATA_MAX_TOKENS/, () => t.gql(query));
      const ms = await refused(loose, attack.limit, () => loose.gql(query));
      console.log(`[input-limits] ${provider}: ${attack.name} as a literal refused in ${ms.toFixed(0)} ms`);
      // Checked before validation, which alone took 1.7 s on the 20k-branch literal.
      expect(ms).toBeLessThan(2000);
    });
  }

  it('counts every value of every argument against STRATA_MAX_INPUT_VALUES', async () => {
    // 900 branches of 900 ids: each list is within STRATA_MAX_INPUT_LIST, together they are 810k values.
    const where = { OR: Array.from({ length: 900 }, () => ({ id: { in: Array.from({ length: 900 }, (_, i) => i) } })) };
    await refused(t, 'STRATA_MAX_INPUT_VALUES (50000)', () => t.gql(POSTS, { where }));
  });

  it('counts a variable each time it is used, like the literal it stands for', async () => {
    const small = await createTestApp(provider, { env: { STRATA_MAX_INPUT_VALUES: '10' } });
    try {
      const ids = [1, 2, 3, 4];
      expect((await small.gql('query($ids: [Int!]) { posts(where: { id: { in: $ids } }) { id } }', { ids })).errors).toBeUndefined();
      await refused(small, 'STRATA_MAX_INPUT_VALUES (10)', () => small.gql('query($ids: [Int!]) { a: posts(where: { id: { in: $ids } }) { id } b: posts(where: { id: { in: $ids } }) { id } }', { ids }));
    } finally {
      await small.close();
    }
  });

  it('checks default values of variables that are not given', async () => {
    await refused(t, 'STRATA_MAX_INPUT_STRING', () => t.gql(`query($s: String = "${'a'.repeat(10_001)}") { posts(where: { title: { contains: $s } }) { id } }`));
  });

  it('checks arguments inside fragments and of mutations', async () => {
    await refused(t, 'STRATA_MAX_INPUT_DEPTH', () => t.gql('query($where: PostWhereInput) { ...F } fragment F on Query { posts(where: $where) { id } }', { where: nested(40) }));
    await refused(t, 'STRATA_MAX_INPUT_STRING', () => t.gql('mutation($title: String!) { createPost(data: { slug: "s", title: $title, author: { create: { email: "a@example.com" } } }) { id } }', { title: 'x'.repeat(10_001) }));
    expect(await t.prisma.post.count()).toBe(0);
  });

  it('runs inputs at the limits: 1000 ids, a 10,000-character string, 32 levels of nesting', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i);
    if (provider === 'postgresql') expect((await t.gql(POSTS, { where: { id: { in: ids } } })).errors).toBeUndefined();
    // SQLite binds at most 999 values per statement: past that, a BAD_USER_INPUT rather than an internal error.
    else expect((await t.gql(POSTS, { where: { id: { in: ids } } })).errors?.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect((await t.gql(POSTS, { where: { title: { contains: 'a'.repeat(10_000) } } })).errors).toBeUndefined();
    // The where object is level 1, AND adds one level each, `title` and its filter the last two.
    expect((await t.gql(POSTS, { where: nested(29) })).errors).toBeUndefined();
    await refused(t, 'STRATA_MAX_INPUT_DEPTH (32)', () => t.gql(POSTS, { where: nested(31) }));
  });
});
