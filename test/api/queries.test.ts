import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

/** The data of a response that must have no errors. */
function ok<T = any>(res: GraphQLResponse<T>): T {
  expect(res.errors).toBeUndefined();
  return res.data as T;
}
const codes = (res: GraphQLResponse) => res.errors?.map((e) => e.extensions.code);

describe.each(providers)('queries on %s', (provider) => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  /** Slugs of the posts matching `where`, in id order. */
  const slugs = async (where: object) => {
    const data = ok(await t.gql('query($w: PostWhereInput) { posts(where: $w, orderBy: [{ id: asc }]) { slug } }', { w: where }));
    return data.posts.map((p: { slug: string }) => p.slug);
  };
  const emails = async (where: object) => {
    const data = ok(await t.gql('query($w: UserWhereInput) { users(where: $w, orderBy: [{ id: asc }]) { email } }', { w: where }));
    return data.users.map((u: { email: string }) => u.email.split('@')[0]);
  };

  beforeAll(async () => {
    t = await createTestApp(provider);
    const alice = await t.prisma.user.create({ data: { email: 'alice@example.com', name: 'Alice', role: 'ADMIN', karma: 10 } });
    const bob = await t.prisma.user.create({ data: { email: 'bob@example.com', name: 'Bob', karma: 5, invitedById: alice.id } });
    const carol = await t.prisma.user.create({ data: { email: 'carol@example.com', name: null } });
    Object.assign(ids, { alice: alice.id, bob: bob.id, carol: carol.id });
    const post = (authorId: number, slug: string, title: string, extra: object = {}) =>
      t.prisma.post.create({ data: { authorId, slug, title, ...extra } });
    const a1 = await post(alice.id, 'a1', 'Hello World', { status: 'PUBLISHED', published: true, views: 100, body: 'first' });
    const a2 = await post(alice.id, 'a2', 'GraphQL tips', { views: 5, body: 'second' });
    const a3 = await post(alice.id, 'a3', 'Prisma notes', { status: 'ARCHIVED', views: 50 });
    const b1 = await post(bob.id, 'b1', 'hello again', { status: 'PUBLISHED', published: true, views: 7 });
    Object.assign(ids, { a1: a1.id, a2: a2.id, a3: a3.id, b1: b1.id });
    const comment = (postId: number, authorId: number, body: string) => t.prisma.comment.create({ data: { postId, authorId, body } });
    await comment(a1.id, bob.id, 'nice');
    await comment(a1.id, bob.id, 'really nice');
    await comment(a1.id, carol.id, 'meh');
    await comment(a2.id, alice.id, 'self');
    await t.prisma.tag.create({ data: { name: 'ts', posts: { connect: [{ id: a1.id }, { id: a2.id }] } } });
    await t.prisma.tag.create({ data: { name: 'db', posts: { connect: [{ id: a3.id }] } } });
  });
  afterAll(() => t.close());

  describe('single row', () => {
    it('finds a post by id', async () => {
      const data = ok(await t.gql('query($id: Int!) { post(where: { id: $id }) { slug author { email } } }', { id: ids.a2 }));
      expect(data.post).toEqual({ slug: 'a2', author: { email: 'alice@example.com' } });
    });

    it('finds a post by the compound unique key authorId_slug', async () => {
      const data = ok(await t.gql('query($a: Int!) { post(where: { authorId_slug: { authorId: $a, slug: "b1" } }) { id } }', { a: ids.bob }));
      expect(data.post.id).toBe(ids.b1);
    });

    it('returns null for a unique key that matches nothing', async () => {
      expect(ok(await t.gql('{ post(where: { id: 999999 }) { id } }')).post).toBeNull();
    });

    it('rejects a where with no unique key with BAD_USER_INPUT', async () => {
      const res = await t.gql('{ post(where: {}) { id } }');
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toMatch(/id, authorId_slug/);
    });
  });

  describe('lists', () => {
    it('orders by a scalar, descending', async () => {
      const data = ok(await t.gql('{ posts(orderBy: [{ views: desc }]) { slug } }'));
      expect(data.posts.map((p: any) => p.slug)).toEqual(['a1', 'a3', 'b1', 'a2']);
    });

    it('orders by a field of a to-one relation, then by a scalar', async () => {
      const data = ok(await t.gql('{ posts(orderBy: [{ author: { name: desc } }, { slug: desc }]) { slug } }'));
      expect(data.posts.map((p: any) => p.slug)).toEqual(['b1', 'a3', 'a2', 'a1']);
    });

    it('orders by the _count of a to-many relation', async () => {
      const data = ok(await t.gql('{ posts(orderBy: [{ comments: { _count: desc } }, { id: asc }]) { slug _count { comments } } }'));
      expect(data.posts).toEqual([
        { slug: 'a1', _count: { comments: 3 } },
        { slug: 'a2', _count: { comments: 1 } },
        { slug: 'a3', _count: { comments: 0 } },
        { slug: 'b1', _count: { comments: 0 } },
      ]);
    });

    it('pages with skip and take, and reads backwards with a negative take', async () => {
      const page = ok(await t.gql('{ posts(orderBy: [{ id: asc }], skip: 1, take: 2) { slug } }'));
      expect(page.posts.map((p: any) => p.slug)).toEqual(['a2', 'a3']);
      const last = ok(await t.gql('{ posts(orderBy: [{ id: asc }], take: -2) { slug } }'));
      expect(last.posts.map((p: any) => p.slug)).toEqual(['a3', 'b1']);
    });

    it('starts a page at a cursor (inclusive) and skips it with skip: 1', async () => {
      const q = 'query($id: Int!, $skip: Int) { posts(orderBy: [{ id: asc }], cursor: { id: $id }, skip: $skip, take: 2) { slug } }';
      expect(ok(await t.gql(q, { id: ids.a2 })).posts.map((p: any) => p.slug)).toEqual(['a2', 'a3']);
      expect(ok(await t.gql(q, { id: ids.a2, skip: 1 })).posts.map((p: any) => p.slug)).toEqual(['a3', 'b1']);
    });

    it('returns one row per distinct value', async () => {
      const data = ok(await t.gql('{ posts(distinct: [authorId], orderBy: [{ id: asc }]) { slug } }'));
      expect(data.posts.map((p: any) => p.slug)).toEqual(['a1', 'b1']);
    });

    it('rejects take above STRATA_MAX_TAKE (100 by default) with BAD_USER_INPUT, forwards and backwards', async () => {
      for (const take of [101, -101]) {
        const res = await t.gql(`{ posts(take: ${take}) { id } }`);
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0].message).toBe('take must be at most 100');
      }
    });

    it('rejects a negative skip with BAD_USER_INPUT', async () => {
      expect(codes(await t.gql('{ posts(skip: -1) { id } }'))).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('scalar filters', () => {
    it('supports equals, not, in and notIn on strings', async () => {
      expect(await slugs({ slug: { equals: 'a2' } })).toEqual(['a2']);
      expect(await slugs({ slug: { not: { equals: 'a2' } } })).toEqual(['a1', 'a3', 'b1']);
      expect(await slugs({ slug: { in: ['a1', 'b1', 'zz'] } })).toEqual(['a1', 'b1']);
      expect(await slugs({ slug: { notIn: ['a1', 'b1'] } })).toEqual(['a2', 'a3']);
    });

    it('supports lt, lte, gt and gte on numbers, strings and dates', async () => {
      expect(await slugs({ views: { lt: '50' } })).toEqual(['a2', 'b1']);
      expect(await slugs({ views: { lte: '50' } })).toEqual(['a2', 'a3', 'b1']);
      expect(await slugs({ views: { gt: '50' } })).toEqual(['a1']);
      expect(await slugs({ views: { gte: '50' } })).toEqual(['a1', 'a3']);
      expect(await slugs({ id: { gt: ids.a2, lte: ids.a3 } })).toEqual(['a3']);
      expect(await slugs({ slug: { gte: 'a3' } })).toEqual(['a3', 'b1']);
      expect(await slugs({ createdAt: { lt: '2000-01-01T00:00:00.000Z' } })).toEqual([]);
      expect(await slugs({ createdAt: { gte: '2000-01-01T00:00:00.000Z' } })).toHaveLength(4);
    });

    it('supports contains, startsWith and endsWith', async () => {
      expect(await slugs({ title: { contains: 'QL t' } })).toEqual(['a2']);
      expect(await slugs({ title: { startsWith: 'Prisma' } })).toEqual(['a3']);
      expect(await slugs({ title: { endsWith: 'again' } })).toEqual(['b1']);
    });

    if (provider === 'postgresql') {
      it('matches case-sensitively by default and ignores case with mode: insensitive', async () => {
        expect(await slugs({ title: { startsWith: 'hello' } })).toEqual(['b1']);
        expect(await slugs({ title: { startsWith: 'hello', mode: 'insensitive' } })).toEqual(['a1', 'b1']);
        expect(await slugs({ title: { equals: 'HELLO AGAIN', mode: 'insensitive' } })).toEqual(['b1']);
      });
    } else {
      it('offers no mode field on SQLite, where LIKE already ignores ASCII case', async () => {
        const data = ok(await t.gql('{ __type(name: "StringFilter") { inputFields { name } } }'));
        expect(data.__type.inputFields.map((f: any) => f.name)).not.toContain('mode');
        expect(await slugs({ title: { startsWith: 'hello' } })).toEqual(['a1', 'b1']);
        const res = await t.gql('{ posts(where: { title: { equals: "x", mode: insensitive } }) { id } }');
        expect(res.errors?.[0].message).toMatch(/mode/);
      });
    }

    it('filters on enums with equals, in and notIn', async () => {
      expect(await slugs({ status: { equals: 'PUBLISHED' } })).toEqual(['a1', 'b1']);
      expect(await slugs({ status: { in: ['DRAFT', 'ARCHIVED'] } })).toEqual(['a2', 'a3']);
      expect(await slugs({ status: { notIn: ['DRAFT'] }, published: { equals: false } })).toEqual(['a3']);
      expect(await emails({ role: { not: { equals: 'USER' } } })).toEqual(['alice']);
    });

    it('checks nullable fields for null with equals: null and not: null', async () => {
      expect(await emails({ name: { equals: null } })).toEqual(['carol']);
      expect(await emails({ name: { not: null } })).toEqual(['alice', 'bob']);
      expect(await slugs({ body: { equals: null } })).toEqual(['a3', 'b1']);
      expect(await emails({ invitedBy: { is: null } })).toEqual(['alice', 'carol']);
      expect(await emails({ invitedBy: { isNot: null } })).toEqual(['bob']);
    });

    it('combines conditions with AND, OR and NOT', async () => {
      expect(await slugs({ AND: [{ authorId: { equals: ids.alice } }, { views: { gt: '10' } }] })).toEqual(['a1', 'a3']);
      expect(await slugs({ OR: [{ slug: { equals: 'a2' } }, { slug: { equals: 'b1' } }] })).toEqual(['a2', 'b1']);
      expect(await slugs({ NOT: [{ authorId: { equals: ids.alice } }] })).toEqual(['b1']);
      expect(await slugs({ OR: [{ NOT: [{ published: { equals: false } }] }, { AND: [{ slug: { equals: 'a3' } }] }] })).toEqual(['a1', 'a3', 'b1']);
    });
  });

  describe('relation filters', () => {
    it('filters by to-many relations with some, every and none', async () => {
      expect(await emails({ posts: { some: { published: { equals: true } } } })).toEqual(['alice', 'bob']);
      // every holds vacuously for carol, who has no posts
      expect(await emails({ posts: { every: { published: { equals: true } } } })).toEqual(['bob', 'carol']);
      expect(await emails({ posts: { none: {} } })).toEqual(['carol']);
      expect(await slugs({ tags: { some: { name: { equals: 'ts' } } } })).toEqual(['a1', 'a2']);
    });

    it('filters by to-one relations with is and isNot', async () => {
      expect(await slugs({ author: { is: { role: { equals: 'ADMIN' } } } })).toEqual(['a1', 'a2', 'a3']);
      expect(await slugs({ author: { isNot: { role: { equals: 'ADMIN' } } } })).toEqual(['b1']);
      expect(await emails({ invitedBy: { is: { email: { startsWith: 'alice' } } } })).toEqual(['bob']);
    });

    it('nests relation filters across levels', async () => {
      const where = { comments: { some: { author: { is: { name: { equals: null } } } } } };
      expect(await slugs(where)).toEqual(['a1']);
    });
  });

  describe('to-many relation fields', () => {
    it('take where, orderBy and take, and expose _count', async () => {
      const q = `query($id: Int!) { user(where: { id: $id }) {
        posts(where: { views: { gte: "5" } }, orderBy: [{ views: asc }], take: 2) { slug }
        _count { posts comments invitees likes }
      } }`;
      const data = ok(await t.gql(q, { id: ids.alice }));
      expect(data.user.posts.map((p: any) => p.slug)).toEqual(['a2', 'a3']);
      expect(data.user._count).toEqual({ posts: 3, comments: 1, invitees: 1, likes: 0 });
    });

    it('take skip and cursor, and filter through relations of the children', async () => {
      const q = `query($id: Int!, $c: Int!) { post(where: { id: $id }) {
        comments(orderBy: [{ id: asc }], cursor: { id: $c }, skip: 1) { body }
        byBob: comments(where: { author: { is: { name: { equals: "Bob" } } } }, orderBy: [{ id: desc }]) { body }
      } }`;
      const first = await t.prisma.comment.findFirst({ where: { postId: ids.a1 }, orderBy: { id: 'asc' } });
      const data = ok(await t.gql(q, { id: ids.a1, c: first.id }));
      expect(data.post.comments.map((c: any) => c.body)).toEqual(['really nice', 'meh']);
      expect(data.post.byBob.map((c: any) => c.body)).toEqual(['really nice', 'nice']);
    });

    it('rejects a nested take above the cap with BAD_USER_INPUT', async () => {
      const res = await t.gql('{ users { posts(take: 101) { id } } }');
      expect(codes(res)?.[0]).toBe('BAD_USER_INPUT');
    });
  });
});
