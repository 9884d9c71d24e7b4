import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

function ok<T = any>(res: GraphQLResponse<T>): T {
  expect(res.errors).toBeUndefined();
  return res.data as T;
}
const codes = (res: GraphQLResponse) => res.errors?.map((e) => e.extensions.code);

describe.each(providers)('mutations on %s', (provider) => {
  let t: TestApp;
  let author: number;
  let seq = 0;
  /** A fresh post of `author` for tests that change it. */
  const newPost = (data: Record<string, unknown> = {}) => t.prisma.post.create({ data: { authorId: author, slug: `s${++seq}`, title: 'T', ...data } });

  beforeAll(async () => {
    t = await createTestApp(provider);
    author = (await t.prisma.user.create({ data: { email: 'author@example.com', name: 'Author' } })).id;
  });
  afterAll(() => t.close());

  describe('create', () => {
    it('creates a row, applies defaults and returns the selected relations', async () => {
      const q = `mutation($a: Int!) { createPost(data: { slug: "hello", title: "Hello", authorId: $a }) {
        id slug status published rating views metadata createdAt updatedAt author { email } comments { id } _count { tags }
      } }`;
      const post = ok(await t.gql(q, { a: author })).createPost;
      expect(post).toMatchObject({ slug: 'hello', status: 'DRAFT', published: false, rating: '0', views: '0', metadata: null });
      expect(post.author).toEqual({ email: 'author@example.com' });
      expect(post.comments).toEqual([]);
      expect(post._count).toEqual({ tags: 0 });
      expect(Date.parse(post.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(await t.prisma.post.count({ where: { slug: 'hello' } })).toBe(1);
    });

    it('rejects a create without a required field as a GraphQL validation error', async () => {
      const res = await t.gql('mutation { createUser(data: { name: "no email" }) { id } }');
      expect(res.data).toBeUndefined();
      expect(res.errors![0].message).toMatch(/email/);
    });
  });

  describe('createMany', () => {
    const MANY = 'mutation($d: [UserCreateManyInput!]!, $skip: Boolean) { createManyUsers(data: $d, skipDuplicates: $skip) { count } }';

    it('inserts every row and returns the count', async () => {
      const d = [{ email: 'm1@example.com' }, { email: 'm2@example.com', role: 'ADMIN', karma: '7' }];
      expect(ok(await t.gql(MANY, { d })).createManyUsers).toEqual({ count: 2 });
      const m2 = await t.prisma.user.findUnique({ where: { email: 'm2@example.com' } });
      expect([m2.role, m2.karma]).toEqual(['ADMIN', 7n]);
    });

    it('skips rows that hit a unique constraint with skipDuplicates, counting only the inserted ones', async () => {
      const d = [{ email: 'm1@example.com' }, { email: 'm3@example.com' }, { email: 'm3@example.com' }, { email: 'm4@example.com' }];
      expect(ok(await t.gql(MANY, { d, skip: true })).createManyUsers).toEqual({ count: 2 });
      expect(await t.prisma.user.count({ where: { email: { in: ['m1@example.com', 'm3@example.com', 'm4@example.com'] } } })).toBe(3);
    });

    it('fails as a whole with CONFLICT on a duplicate without skipDuplicates', async () => {
      const before = await t.prisma.user.count();
      const res = await t.gql(MANY, { d: [{ email: 'm5@example.com' }, { email: 'm1@example.com' }] });
      expect(codes(res)).toEqual(['CONFLICT']);
      expect(await t.prisma.user.count()).toBe(before);
    });
  });

  describe('update', () => {
    const UPDATE = 'mutation($id: Int!, $d: PostUpdateInput!) { updatePost(where: { id: $id }, data: $d) { title body views rating metadata updatedAt } }';

    it('sets plain values and bumps @updatedAt', async () => {
      const post = await newPost({ body: 'old' });
      const updated = ok(await t.gql(UPDATE, { id: post.id, d: { title: 'New', body: 'new', status: 'PUBLISHED' } })).updatePost;
      expect(updated).toMatchObject({ title: 'New', body: 'new' });
      expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(post.updatedAt.getTime());
      expect((await t.prisma.post.findUnique({ where: { id: post.id } })).status).toBe('PUBLISHED');
    });

    it('sets nullable fields, JSON included, to null', async () => {
      const post = await newPost({ body: 'text', metadata: { a: 1 } });
      const updated = ok(await t.gql(UPDATE, { id: post.id, d: { body: null, metadata: null } })).updatePost;
      expect(updated).toMatchObject({ body: null, metadata: null });
      const row = await t.prisma.post.findUnique({ where: { id: post.id } });
      expect([row.body, row.metadata]).toEqual([null, null]);
    });

    it('leaves fields that are not in data untouched', async () => {
      const post = await newPost({ body: 'keep', views: 3 });
      const updated = ok(await t.gql(UPDATE, { id: post.id, d: { title: 'Only title' } })).updatePost;
      expect(updated).toMatchObject({ title: 'Only title', body: 'keep', views: '3' });
    });

    it('applies _increment, _decrement, _multiply and _divide atomically', async () => {
      const post = await newPost({ views: 10, rating: '1.5' });
      const step = async (d: object) => ok(await t.gql(UPDATE, { id: post.id, d })).updatePost;
      expect(await step({ _increment: { views: '5', rating: '0.25' } })).toMatchObject({ views: '15', rating: '1.75' });
      expect(await step({ _decrement: { views: '3' } })).toMatchObject({ views: '12' });
      expect(await step({ _multiply: { views: '4', rating: '2' } })).toMatchObject({ views: '48', rating: '3.5' });
      expect(await step({ _divide: { views: '8' } })).toMatchObject({ views: '6' });
      const user = ok(await t.gql('mutation($id: Int!) { updateUser(where: { id: $id }, data: { _increment: { karma: "9007199254740993" } }) { karma } }', { id: author }));
      expect(user.updateUser.karma).toBe('9007199254740993');
    });

    it('combines an atomic update of one field with a plain set of another', async () => {
      const post = await newPost({ views: 1 });
      expect(ok(await t.gql(UPDATE, { id: post.id, d: { title: 'Both', _increment: { views: '1' } } })).updatePost).toMatchObject({ title: 'Both', views: '2' });
    });

    it('rejects setting a field and changing it atomically in one update with BAD_USER_INPUT', async () => {
      const post = await newPost({ views: 1 });
      const res = await t.gql(UPDATE, { id: post.id, d: { views: '5', _increment: { views: '1' } } });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toMatch(/views/);
      expect((await t.prisma.post.findUnique({ where: { id: post.id } })).views).toBe(1n);
    });

    it('rejects _divide by zero with BAD_USER_INPUT, leaving the row as it was', async () => {
      const post = await newPost({ views: 6, rating: '1.5' });
      for (const d of [{ _divide: { views: '0' } }, { _divide: { rating: '0.0' } }, { _divide: { id: 0 } }]) {
        const res = await t.gql(UPDATE, { id: post.id, d });
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0].message).toMatch(/divide .* by zero/i);
      }
      expect((await t.prisma.post.findUnique({ where: { id: post.id } })).views).toBe(6n);
    });

    it('rejects null for a required field with BAD_USER_INPUT', async () => {
      const post = await newPost();
      expect(codes(await t.gql(UPDATE, { id: post.id, d: { title: null } }))).toEqual(['BAD_USER_INPUT']);
    });

    it('updates by compound unique key', async () => {
      const post = await newPost();
      const q = 'mutation($a: Int!, $s: String!) { updatePost(where: { authorId_slug: { authorId: $a, slug: $s } }, data: { title: "By key" }) { id title } }';
      expect(ok(await t.gql(q, { a: author, s: post.slug })).updatePost).toEqual({ id: post.id, title: 'By key' });
    });
  });

  describe('updateMany', () => {
    it('updates every matching row, with plain and atomic values, and returns the count', async () => {
      await newPost({ title: 'batch', views: 1 });
      await newPost({ title: 'batch', views: 2 });
      const q = 'mutation { updateManyPosts(where: { title: { equals: "batch" } }, data: { published: true, _increment: { views: "10" } }) { count } }';
      expect(ok(await t.gql(q)).updateManyPosts).toEqual({ count: 2 });
      const rows = await t.prisma.post.findMany({ where: { title: 'batch' }, orderBy: { id: 'asc' } });
      expect(rows.map((r: any) => [r.published, r.views])).toEqual([
        [true, 11n],
        [true, 12n],
      ]);
    });

    it('returns count 0 when nothing matches', async () => {
      expect(ok(await t.gql('mutation { updateManyPosts(where: { title: { equals: "none" } }, data: { title: "x" }) { count } }')).updateManyPosts.count).toBe(0);
    });
  });

  describe('upsert', () => {
    const UPSERT = `mutation($email: String!) {
      upsertUser(where: { email: $email }, create: { email: $email, name: "Created" }, update: { name: "Updated", _increment: { karma: "1" } }) { name karma }
    }`;

    it('creates the row when the unique key matches nothing', async () => {
      expect(ok(await t.gql(UPSERT, { email: 'up@example.com' })).upsertUser).toEqual({ name: 'Created', karma: '0' });
    });

    it('updates the row when the unique key matches', async () => {
      expect(ok(await t.gql(UPSERT, { email: 'up@example.com' })).upsertUser).toEqual({ name: 'Updated', karma: '1' });
      expect(await t.prisma.user.count({ where: { email: 'up@example.com' } })).toBe(1);
    });
  });

  describe('delete', () => {
    it('deletes a row and returns it with its relations as they were', async () => {
      const post = await newPost({ title: 'Doomed', tags: { create: [{ name: 'gone' }] } });
      await t.prisma.comment.create({ data: { postId: post.id, authorId: author, body: 'bye' } });
      const q = 'mutation($id: Int!) { deletePost(where: { id: $id }) { id title author { email } comments { body } tags { name } } }';
      const deleted = ok(await t.gql(q, { id: post.id })).deletePost;
      expect(deleted).toEqual({ id: post.id, title: 'Doomed', author: { email: 'author@example.com' }, comments: [{ body: 'bye' }], tags: [{ name: 'gone' }] });
      expect(await t.prisma.post.findUnique({ where: { id: post.id } })).toBeNull();
      // Comments cascade; the tag stays.
      expect(await t.prisma.comment.count({ where: { postId: post.id } })).toBe(0);
      expect(await t.prisma.tag.count({ where: { name: 'gone' } })).toBe(1);
    });

    it('deletes by compound id (PostLike)', async () => {
      const post = await newPost();
      await t.prisma.postLike.create({ data: { userId: author, postId: post.id } });
      const q = 'mutation($u: Int!, $p: Int!) { deletePostLike(where: { userId_postId: { userId: $u, postId: $p } }) { user { email } post { id } } }';
      expect(ok(await t.gql(q, { u: author, p: post.id })).deletePostLike).toEqual({ user: { email: 'author@example.com' }, post: { id: post.id } });
      expect(await t.prisma.postLike.count()).toBe(0);
    });
  });

  describe('deleteMany', () => {
    it('deletes every matching row and returns the count', async () => {
      await newPost({ title: 'sweep' });
      await newPost({ title: 'sweep' });
      const q = 'mutation { deleteManyPosts(where: { title: { equals: "sweep" } }) { count } }';
      expect(ok(await t.gql(q)).deleteManyPosts).toEqual({ count: 2 });
      expect(await t.prisma.post.count({ where: { title: 'sweep' } })).toBe(0);
      expect(ok(await t.gql(q)).deleteManyPosts).toEqual({ count: 0 });
    });

    it('deletes every row when where is omitted', async () => {
      await t.prisma.tag.createMany({ data: [{ name: 'x1' }, { name: 'x2' }] });
      const count = await t.prisma.tag.count();
      expect(ok(await t.gql('mutation { deleteManyTags { count } }')).deleteManyTags).toEqual({ count });
      expect(await t.prisma.tag.count()).toBe(0);
    });
  });
});
