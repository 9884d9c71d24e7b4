import { getOperationAST, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAdmin } from '../../src/base/viewer.ts';
import { createReadEngine, type ReadEngine } from '../../src/reads/create-read-engine.ts';
import { templateVariables } from '../../src/reads/plan-template.ts';
import type { Generator } from '../../src/schema/generator.ts';
import { createStrataYoga } from '../../src/server/create-yoga.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { type Actor, type Seeded, seed } from '../permissions/seed.ts';
import { createLanes, type Lanes } from './compiled-differential.ts';

describe('templateVariables', () => {
  it('takes scalar variables used only as where values', () => {
    const document = parse(`query($id: Int!, $n: Int, $s: String, $d: DateTime, $l: [Int!], $f: Float, $both: Int!, $dir: Boolean!) {
      posts(where: { id: { in: $l }, title: { contains: $s }, createdAt: { lt: $d } }, take: $n) {
        comments(where: { id: { gt: $id }, post: { rating: { gt: $f } } }, skip: $both) { id @include(if: $dir) }
        author { posts(where: { id: { equals: $both } }) { id } }
      }
    }`);
    const vars = templateVariables(document, getOperationAST(document)!);
    expect(Object.fromEntries(vars)).toEqual({ id: 'Int', s: 'String', d: 'DateTime', f: 'Float' });
  });
});

/** Documents whose `where` variables vary per request, with the values each request sends. */
const cases: { query: string; values: (s: Seeded) => Record<string, unknown>[] }[] = [
  { query: 'query($id: Int!) { post(where: { id: $id }) { id slug author { email } } }', values: (s) => [...Object.values(s.posts), -1, 0, 2_147_483_647].map((id) => ({ id })) },
  {
    query: 'query($a: Int!) { users(where: { id: { gte: $a } }, orderBy: [{ id: asc }]) { id email posts(where: { authorId: { equals: $a } }) { id } } }',
    values: (s) => Object.values(s.users).map((a) => ({ a })),
  },
  {
    query: 'query($t: String) { posts(where: { OR: [{ title: { equals: $t } }, { slug: { equals: $t } }] }, orderBy: [{ id: asc }]) { id title } }',
    values: () => [{ t: 'alice-pub' }, { t: "o'brien" }, { t: '%' }, { t: '_' }, { t: '\\' }, { t: null }, { t: 'bob-draft' }, { t: 'x'.repeat(300) }],
  },
  {
    query: 'query($t: String!) { posts(where: { title: { contains: $t } }, orderBy: [{ id: asc }]) { id } }',
    values: () => [{ t: 'pub' }, { t: '%' }, { t: '_' }, { t: 'draft' }],
  },
  {
    query: 'query($d: DateTime!, $e: DateTime) { posts(where: { createdAt: { lt: $d }, updatedAt: { gte: $e } }, orderBy: [{ id: asc }]) { id } }',
    values: () => [{ d: '2999-01-01T00:00:00.000Z', e: '2000-01-01T00:00:00Z' }, { d: '2000-01-01T00:00:00Z', e: null }, { d: '2999-01-01T00:00:00.000Z', e: '2999-01-01T00:00:00Z' }],
  },
  {
    query: 'query($id: Int!, $n: Int) { posts(where: { id: { not: { equals: $id } } }, orderBy: [{ id: asc }], take: $n) { id comments(where: { postId: { equals: $id } }) { id } } }',
    values: (s) => [{ id: s.posts.aliceDraft, n: 2 }, { id: s.posts.bobDraft, n: 2 }, { id: s.posts.bobDraft, n: -1 }, { id: s.posts.alicePublished, n: null }],
  },
];

describe.each(providers)('compiled plans with variables bound per request (%s)', (provider) => {
  let t: TestApp;
  let s: Seeded;
  let lanes: Lanes;
  let engine: ReadEngine;

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true });
    s = await seed(t);
    const { app } = t;
    engine = createReadEngine(app.schema.extensions.strataGenerator as Generator, { isAdmin: (ctx) => isAdmin(ctx.viewer), readRows: app.db.readRows });
    const yoga = createStrataYoga({ config: app.config, schema: app.schema, prisma: app.db.prisma, log: app.log, auth: app.auth, realtime: app.realtime, limits: null, reads: { engine, documents: null } });
    lanes = createLanes(t, yoga);
  });
  afterAll(() => t?.close());

  it.each(cases.map((c, i) => ({ ...c, i })))('answers case $i for every value and actor as the general path does', async ({ query, values }) => {
    let compiled = 0;
    for (const actor of ['anonymous', 'alice', 'bob', 'admin'] as Actor[]) {
      // A null Prisma refuses (`gte: null`) is left to the general path, which refuses it.
      for (const variables of values(s)) compiled += Number(await lanes.same(query, variables, s.viewers[actor]));
    }
    expect(compiled).toBeGreaterThan(0);
  });

  it('compiles a document for a viewer once it comes back, and never again, when its variables are only where values', async () => {
    const query = 'query($id: Int!) { post(where: { id: $id }) { id title comments(where: { id: { gt: $id } }) { id } } }';
    // The first request compiles for its values; the second makes the template (two compilations).
    const first = engine.compilations;
    await lanes.same(query, { id: s.posts.alicePublished }, s.viewers.alice);
    expect(engine.compilations - first).toBe(1);
    await lanes.same(query, { id: s.posts.aliceDraft }, s.viewers.alice);
    expect(engine.compilations - first).toBe(3);
    const before = engine.compilations;
    for (const id of [...Object.values(s.posts), 12345]) expect(await lanes.same(query, { id }, s.viewers.alice)).toBe(true);
    expect(engine.compilations).toBe(before);
  });

  it('compiles per request when a variable shapes the statement', async () => {
    const query = 'query($n: Int!) { posts(orderBy: [{ id: asc }], take: $n) { id } }';
    const before = engine.compilations;
    for (const n of [1, 2, 3]) await lanes.same(query, { n }, s.viewers.bob);
    expect(engine.compilations - before).toBe(3);
  });
});
