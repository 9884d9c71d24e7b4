import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

function ok<T = any>(res: GraphQLResponse<T>): T {
  expect(res.errors).toBeUndefined();
  return res.data as T;
}
const codes = (res: GraphQLResponse) => res.errors?.map((e) => e.extensions.code);

interface Page {
  edges: { cursor: string; node: { slug: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

const PAGE = `query($first: Int, $after: String, $last: Int, $before: String, $where: PostWhereInput, $orderBy: [PostOrderByInput!]) {
  postsConnection(first: $first, after: $after, last: $last, before: $before, where: $where, orderBy: $orderBy) {
    edges { cursor node { slug } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;

describe.each(providers)('connections on %s', (provider) => {
  let t: TestApp;
  // p0..p9 in id order; views repeat so that ordering by views has ties.
  const all = Array.from({ length: 10 }, (_, i) => `p${i}`);
  const views = [3, 1, 2, 3, 1, 2, 3, 1, 2, 3];
  const page = async (vars: Record<string, unknown>): Promise<Page> => ok(await t.gql(PAGE, vars)).postsConnection;
  const slugsOf = (p: Page) => p.edges.map((e) => e.node.slug);

  beforeAll(async () => {
    t = await createTestApp(provider);
    const ann = await t.prisma.user.create({ data: { email: 'ann@example.com', name: 'Ann' } });
    const zed = await t.prisma.user.create({ data: { email: 'zed@example.com', name: 'Zed' } });
    for (const [i, slug] of all.entries()) {
      await t.prisma.post.create({
        data: { slug, title: slug, views: views[i], published: i % 2 === 0, authorId: i < 5 ? zed.id : ann.id },
      });
    }
  });
  afterAll(() => t.close());

  it('pages forward through every row with first/after, with the right pageInfo on each page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    const flags: [boolean, boolean][] = [];
    for (;;) {
      const p: Page = await page({ first: 4, after });
      seen.push(...slugsOf(p));
      flags.push([p.pageInfo.hasPreviousPage, p.pageInfo.hasNextPage]);
      expect(p.pageInfo.startCursor).toBe(p.edges[0].cursor);
      expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)!.cursor);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
    expect(flags).toEqual([
      [false, true],
      [true, true],
      [true, false],
    ]);
  });

  it('pages backward through every row with last/before, keeping each page in forward order', async () => {
    const pages: string[][] = [];
    const flags: [boolean, boolean][] = [];
    let before: string | null = null;
    for (;;) {
      const p: Page = await page({ last: 4, before });
      pages.push(slugsOf(p));
      flags.push([p.pageInfo.hasPreviousPage, p.pageInfo.hasNextPage]);
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    expect(pages).toEqual([
      ['p6', 'p7', 'p8', 'p9'],
      ['p2', 'p3', 'p4', 'p5'],
      ['p0', 'p1'],
    ]);
    expect(flags).toEqual([
      [true, false],
      [true, true],
      [false, true],
    ]);
  });

  it('hands out opaque string cursors that do not expose the id', async () => {
    const p = await page({ first: 3 });
    for (const edge of p.edges) {
      expect(typeof edge.cursor).toBe('string');
      expect(edge.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Number.isNaN(Number(edge.cursor))).toBe(true);
    }
    expect(new Set(p.edges.map((e) => e.cursor)).size).toBe(3);
  });

  it('counts every row matching where in totalCount, whatever the page size', async () => {
    const p = await page({ first: 2, where: { published: { equals: true } } });
    expect(slugsOf(p)).toEqual(['p0', 'p2']);
    expect(p.totalCount).toBe(5);
    expect((await page({ first: 1 })).totalCount).toBe(10);
  });

  it('keeps pages stable under a custom order with ties (the id breaks them)', async () => {
    const orderBy = [{ views: 'desc' }];
    const expected = all
      .map((slug, i) => ({ slug, views: views[i], i }))
      .sort((a, b) => b.views - a.views || a.i - b.i)
      .map((r) => r.slug);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const p: Page = await page({ first: 3, after, orderBy });
      seen.push(...slugsOf(p));
      after = p.pageInfo.hasNextPage ? p.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(expected);

    const back = await page({ last: 3, orderBy });
    expect(slugsOf(back)).toEqual(expected.slice(-3));
    const before = await page({ last: 3, before: back.pageInfo.startCursor, orderBy });
    expect(slugsOf(before)).toEqual(expected.slice(-6, -3));
  });

  it('pages in the order of a to-one relation field', async () => {
    const orderBy = [{ author: { name: 'asc' } }, { slug: 'desc' }];
    const first = await page({ first: 3, orderBy });
    expect(slugsOf(first)).toEqual(['p9', 'p8', 'p7']);
    const second = await page({ first: 3, after: first.pageInfo.endCursor, orderBy });
    expect(slugsOf(second)).toEqual(['p6', 'p5', 'p4']);
  });

  it('returns an empty page with null cursors when nothing matches', async () => {
    const p = await page({ first: 5, where: { slug: { equals: 'nope' } } });
    expect(p).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
  });

  it('pages a model with a compound primary key (PostLike)', async () => {
    const users = await t.prisma.user.findMany({ orderBy: { id: 'asc' } });
    const posts = await t.prisma.post.findMany({ orderBy: { id: 'asc' }, take: 3 });
    for (const u of users) for (const p of posts) await t.prisma.postLike.create({ data: { userId: u.id, postId: p.id } });
    const q = `query($after: String) { postLikesConnection(first: 4, after: $after) {
      edges { cursor node { userId postId } } pageInfo { hasNextPage endCursor } totalCount } }`;
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const c: any = ok(await t.gql(q, { after })).postLikesConnection;
      seen.push(...c.edges.map((e: any) => `${e.node.userId}:${e.node.postId}`));
      after = c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });

  it('rejects a malformed cursor with BAD_USER_INPUT', async () => {
    for (const after of ['not a cursor', 'bm90IGpzb24', Buffer.from('[1,2]').toString('base64url')]) {
      const res = await t.gql(PAGE, { first: 2, after });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toBe('Invalid cursor');
    }
  });

  it('rejects first and last together with BAD_USER_INPUT', async () => {
    const res = await t.gql(PAGE, { first: 2, last: 2 });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('rejects a cursor of the other direction (after with last, before with first) with BAD_USER_INPUT instead of ignoring it', async () => {
    const p = await page({ first: 4 });
    const [after, before] = [p.edges[0].cursor, p.edges[3].cursor];
    for (const vars of [{ after, before }, { first: 2, before }, { last: 2, after }]) {
      expect(codes(await t.gql(PAGE, vars))).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('rejects a negative or oversized first/last with BAD_USER_INPUT', async () => {
    for (const vars of [{ first: -1 }, { last: -1 }, { first: 101 }, { last: 101 }]) {
      expect(codes(await t.gql(PAGE, vars))).toEqual(['BAD_USER_INPUT']);
    }
  });
});
