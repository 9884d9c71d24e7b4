import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

function ok<T = any>(res: GraphQLResponse<T>): T {
  expect(res.errors).toBeUndefined();
  return res.data as T;
}
const codes = (res: GraphQLResponse) => res.errors?.map((e) => e.extensions.code);

describe.each(providers)('aggregates on %s', (provider) => {
  let t: TestApp;
  let alice: number;
  let bob: number;
  let carol: number;
  /** Only alice's and bob's posts: carol's hold huge BigInts for their own test. */
  let ab: Record<string, unknown>;

  beforeAll(async () => {
    t = await createTestApp(provider);
    alice = (await t.prisma.user.create({ data: { email: 'alice@example.com' } })).id;
    bob = (await t.prisma.user.create({ data: { email: 'bob@example.com' } })).id;
    carol = (await t.prisma.user.create({ data: { email: 'carol@example.com' } })).id;
    ab = { authorId: { in: [alice, bob] } };
    const rows: [number, string, number, string, string, string | null, string][] = [
      [alice, 'a1', 10, '1.5', '2024-01-01T00:00:00.000Z', 'x', 'PUBLISHED'],
      [alice, 'a2', 20, '2.5', '2024-02-01T00:00:00.000Z', null, 'DRAFT'],
      [alice, 'a3', 5, '5', '2024-03-01T00:00:00.000Z', 'y', 'PUBLISHED'],
      [bob, 'b1', 3, '0.25', '2023-12-31T00:00:00.000Z', null, 'DRAFT'],
      [bob, 'b2', 4, '0.75', '2024-06-15T12:34:56.789Z', 'z', 'PUBLISHED'],
    ];
    for (const [authorId, slug, views, rating, createdAt, body, status] of rows) {
      await t.prisma.post.create({ data: { authorId, slug, title: slug, views, rating, createdAt: new Date(createdAt), body, status } });
    }
    for (const slug of ['c1', 'c2']) {
      await t.prisma.post.create({ data: { authorId: carol, slug, title: slug, views: 9007199254740993n, status: 'ARCHIVED' } });
    }
  });
  afterAll(() => t.close());

  it('counts rows matching where with postsCount', async () => {
    expect(ok(await t.gql('{ postsCount }')).postsCount).toBe(7);
    const q = 'query($w: PostWhereInput) { postsCount(where: $w) }';
    expect(ok(await t.gql(q, { w: { ...ab, status: { equals: 'PUBLISHED' } } })).postsCount).toBe(3);
    expect(ok(await t.gql(q, { w: { slug: { equals: 'none' } } })).postsCount).toBe(0);
  });

  it('counts all rows and the non-null values of each field with _count', async () => {
    const q = 'query($w: PostWhereInput) { postsAggregate(where: $w) { _count { _all id body metadata cover views } } }';
    expect(ok(await t.gql(q, { w: ab })).postsAggregate._count).toEqual({ _all: 5, id: 5, body: 3, metadata: 0, cover: 0, views: 5 });
  });

  it('sums and averages Int, BigInt and Decimal fields exactly', async () => {
    const q = `query($w: PostWhereInput) { postsAggregate(where: $w) {
      _sum { views rating authorId } _avg { views rating authorId }
    } }`;
    const agg = ok(await t.gql(q, { w: ab })).postsAggregate;
    expect(agg._sum).toEqual({ views: '42', rating: '10', authorId: 3 * alice + 2 * bob });
    expect(agg._avg.views).toBe(8.4);
    expect(agg._avg.rating).toBe('2');
    expect(agg._avg.authorId).toBeCloseTo((3 * alice + 2 * bob) / 5);
  });

  it('sums BigInt values above 2^53 without losing a digit', async () => {
    const q = 'query($w: PostWhereInput) { postsAggregate(where: $w) { _sum { views } _max { views } } }';
    const agg = ok(await t.gql(q, { w: { authorId: { equals: carol } } })).postsAggregate;
    expect(agg._sum.views).toBe('18014398509481986');
    expect(agg._max.views).toBe('9007199254740993');
  });

  it('finds _min and _max of Int, BigInt, Decimal, DateTime, String and enum fields', async () => {
    const q = `query($w: PostWhereInput) { postsAggregate(where: $w) {
      _min { views rating createdAt slug status } _max { views rating createdAt slug status }
    } }`;
    const agg = ok(await t.gql(q, { w: ab })).postsAggregate;
    expect(agg._min).toEqual({ views: '3', rating: '0.25', createdAt: '2023-12-31T00:00:00.000Z', slug: 'a1', status: 'DRAFT' });
    expect(agg._max).toEqual({ views: '20', rating: '5', createdAt: '2024-06-15T12:34:56.789Z', slug: 'b2', status: 'PUBLISHED' });
  });

  it('returns null sums, averages and extremes (and a zero count) over no rows', async () => {
    const q = '{ postsAggregate(where: { slug: { equals: "none" } }) { _count { _all } _sum { views } _avg { rating } _min { createdAt } } }';
    expect(ok(await t.gql(q)).postsAggregate).toEqual({ _count: { _all: 0 }, _sum: { views: null }, _avg: { rating: null }, _min: { createdAt: null } });
  });

  describe('groupBy', () => {
    const GROUP = `query($by: [PostScalarField!]!, $w: PostWhereInput, $having: PostHavingInput, $orderBy: [PostGroupByOrderByInput!], $skip: Int, $take: Int) {
      postsGroupBy(by: $by, where: $w, having: $having, orderBy: $orderBy, skip: $skip, take: $take) {
        authorId status slug _count { _all body } _sum { views } _avg { rating } _max { createdAt }
      }
    }`;
    const group = async (vars: Record<string, unknown>) => ok(await t.gql(GROUP, { w: ab, ...vars })).postsGroupBy;

    it('groups by one field, ordered by it by default, with every aggregate per group', async () => {
      const rows = await group({ by: ['authorId'] });
      expect(rows).toEqual([
        { authorId: alice, status: null, slug: null, _count: { _all: 3, body: 2 }, _sum: { views: '35' }, _avg: { rating: '3' }, _max: { createdAt: '2024-03-01T00:00:00.000Z' } },
        { authorId: bob, status: null, slug: null, _count: { _all: 2, body: 1 }, _sum: { views: '7' }, _avg: { rating: '0.5' }, _max: { createdAt: '2024-06-15T12:34:56.789Z' } },
      ]);
    });

    it('filters groups with having on an aggregate (views _sum gt "10")', async () => {
      const rows = await group({ by: ['authorId'], having: { views: { _sum: { gt: '10' } } } });
      expect(rows.map((r: any) => r.authorId)).toEqual([alice]);
      const counted = await group({ by: ['status'], having: { id: { _count: { gte: 3 } } } });
      expect(counted.map((r: any) => r.status)).toEqual(['PUBLISHED']);
    });

    it('filters groups with having on a grouped field and with AND/OR', async () => {
      const rows = await group({ by: ['status'], having: { OR: [{ status: { equals: 'DRAFT' } }, { rating: { _avg: { gt: '2' } } }] } });
      expect(rows.map((r: any) => r.status)).toEqual(['DRAFT', 'PUBLISHED']);
      const none = await group({ by: ['status'], having: { AND: [{ status: { equals: 'DRAFT' } }, { views: { _max: { gt: '20' } } }] } });
      expect(none).toEqual([]);
    });

    it('orders groups by an aggregate', async () => {
      const rows = await group({ by: ['status'], orderBy: [{ _sum: { views: 'desc' } }] });
      expect(rows.map((r: any) => [r.status, r._sum.views])).toEqual([
        ['DRAFT', '23'],
        ['PUBLISHED', '19'],
      ]);
      const byCount = await group({ by: ['authorId'], orderBy: [{ _count: { id: 'asc' } }] });
      expect(byCount.map((r: any) => r.authorId)).toEqual([bob, alice]);
    });

    it('groups by several fields and pages with skip and take', async () => {
      const orderBy = [{ authorId: 'asc' }, { status: 'desc' }];
      const all = await group({ by: ['authorId', 'status'], orderBy });
      expect(all.map((r: any) => [r.authorId, r.status, r._count._all])).toEqual([
        [alice, 'PUBLISHED', 2],
        [alice, 'DRAFT', 1],
        [bob, 'PUBLISHED', 1],
        [bob, 'DRAFT', 1],
      ]);
      const page = await group({ by: ['authorId', 'status'], orderBy, skip: 1, take: 2 });
      expect(page).toEqual(all.slice(1, 3));
    });

    it('rejects an empty by, a negative skip and a take above the cap with BAD_USER_INPUT', async () => {
      for (const vars of [{ by: [] }, { by: ['status'], skip: -1 }, { by: ['status'], take: 101 }]) {
        expect(codes(await t.gql(GROUP, vars))).toEqual(['BAD_USER_INPUT']);
      }
    });

    it('rejects having on a plain field that is not grouped with BAD_USER_INPUT', async () => {
      const res = await t.gql(GROUP, { by: ['status'], having: { slug: { equals: 'a1' } } });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    });
  });
});
