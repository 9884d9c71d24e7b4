import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

function ok<T = any>(res: GraphQLResponse<T>): T {
  expect(res.errors).toBeUndefined();
  return res.data as T;
}
const codes = (res: GraphQLResponse) => res.errors?.map((e) => e.extensions.code);

const USER = `id email name
  invitedBy { email } invitees(orderBy: [{ id: asc }]) { email } profile { bio }
  posts(orderBy: [{ id: asc }]) { slug title views tags(orderBy: [{ name: asc }]) { name } comments { body } }
  likes(orderBy: [{ postId: asc }]) { post { slug } }`;

describe.each(providers)('nested writes on %s', (provider) => {
  let t: TestApp;
  let n = 0;
  const email = (name: string) => `${name}${++n}@example.com`;
  const user = (data: Record<string, unknown> = {}) => t.prisma.user.create({ data: { email: email('u'), ...data } });
  const update = async (id: number, data: Record<string, unknown>) =>
    ok(await t.gql(`mutation($id: Int!, $d: UserUpdateInput!) { updateUser(where: { id: $id }, data: $d) { ${USER} } }`, { id, d: data })).updateUser;
  const updateRaw = (id: number, data: Record<string, unknown>) =>
    t.gql(`mutation($id: Int!, $d: UserUpdateInput!) { updateUser(where: { id: $id }, data: $d) { id } }`, { id, d: data });
  const slugs = (u: any) => u.posts.map((p: any) => p.slug);

  beforeAll(async () => {
    t = await createTestApp(provider);
  });
  afterAll(() => t.close());

  describe('to-many', () => {
    it('creates a user with posts, their comments, tags and a profile in one mutation', async () => {
      const commenter = await user();
      const q = `mutation($d: UserCreateInput!) { createUser(data: $d) { ${USER} } }`;
      const d = {
        email: email('nested'),
        profile: { create: { bio: 'hi', settings: { theme: 'dark' } } },
        posts: {
          create: [
            { slug: 'one', title: 'One', tags: { create: [{ name: 'n-alpha' }] }, comments: { create: [{ body: 'c1', author: { connect: { id: commenter.id } } }] } },
            { slug: 'two', title: 'Two', tags: { connectOrCreate: [{ where: { name: 'n-alpha' }, create: { name: 'n-alpha' } }] } },
          ],
        },
      };
      const created = ok(await t.gql(q, { d })).createUser;
      expect(created.profile).toEqual({ bio: 'hi' });
      expect(created.posts).toEqual([
        { slug: 'one', title: 'One', views: '0', tags: [{ name: 'n-alpha' }], comments: [{ body: 'c1' }] },
        { slug: 'two', title: 'Two', views: '0', tags: [{ name: 'n-alpha' }], comments: [] },
      ]);
      expect(await t.prisma.tag.count({ where: { name: 'n-alpha' } })).toBe(1);
    });

    it('connects and connectOrCreates existing rows (moving posts between authors)', async () => {
      const [from, to] = [await user(), await user()];
      const post = await t.prisma.post.create({ data: { authorId: from.id, slug: 'moving', title: 'M' } });
      const kept = await t.prisma.post.create({ data: { authorId: from.id, slug: 'kept', title: 'K' } });
      const result = await update(to.id, {
        posts: {
          connect: [{ id: post.id }],
          connectOrCreate: [
            { where: { authorId_slug: { authorId: from.id, slug: 'kept' } }, create: { slug: 'never', title: 'N' } },
            { where: { id: 999999 }, create: { slug: 'made', title: 'Made' } },
          ],
        },
      });
      expect(slugs(result)).toEqual(['moving', 'kept', 'made']);
      expect((await t.prisma.post.findUnique({ where: { id: kept.id } })).authorId).toBe(to.id);
    });

    it('updates, upserts and deletes children by unique key', async () => {
      const u = await user({ posts: { create: [{ slug: 'a', title: 'A', views: 1 }, { slug: 'b', title: 'B' }, { slug: 'c', title: 'C' }] } });
      const key = (slug: string) => ({ authorId_slug: { authorId: u.id, slug } });
      const result = await update(u.id, {
        posts: {
          update: [{ where: key('a'), data: { title: 'A2', _increment: { views: '2' } } }],
          upsert: [
            { where: key('b'), create: { slug: 'b', title: 'never' }, update: { title: 'B2' } },
            { where: key('d'), create: { slug: 'd', title: 'D' }, update: { title: 'never' } },
          ],
          delete: [key('c')],
        },
      });
      expect(result.posts.map((p: any) => [p.slug, p.title, p.views])).toEqual([
        ['a', 'A2', '3'],
        ['b', 'B2', '0'],
        ['d', 'D', '0'],
      ]);
    });

    it('updateMany and deleteMany children matching a filter, leaving other users alone', async () => {
      const u = await user({ posts: { create: [{ slug: 'x1', title: 'draft' }, { slug: 'x2', title: 'draft' }, { slug: 'x3', title: 'keep' }] } });
      const other = await user({ posts: { create: [{ slug: 'x1', title: 'draft' }] } });
      const result = await update(u.id, {
        posts: {
          updateMany: [{ where: { slug: { in: ['x1', 'x2'] } }, data: { title: 'old', _increment: { views: '1' } } }],
          deleteMany: [{ title: { equals: 'keep' } }],
        },
      });
      expect(result.posts.map((p: any) => [p.slug, p.title, p.views])).toEqual([
        ['x1', 'old', '1'],
        ['x2', 'old', '1'],
      ]);
      expect((await t.prisma.post.findFirst({ where: { authorId: other.id } })).title).toBe('draft');
    });

    it('connects, disconnects and sets the rows of a self-relation (User.invitees)', async () => {
      const [host, g1, g2, g3] = [await user(), await user(), await user(), await user()];
      const emails = (r: any) => r.invitees.map((i: any) => i.email);
      expect(emails(await update(host.id, { invitees: { connect: [{ id: g1.id }, { id: g2.id }] } }))).toEqual([g1.email, g2.email]);
      expect(emails(await update(host.id, { invitees: { disconnect: [{ id: g1.id }] } }))).toEqual([g2.email]);
      expect(emails(await update(host.id, { invitees: { set: [{ id: g1.id }, { id: g3.id }] } }))).toEqual([g1.email, g3.email]);
      expect((await t.prisma.user.findUnique({ where: { id: g2.id } })).invitedById).toBeNull();
      const creator = ok(await t.gql(`mutation($e: String!) { createUser(data: { email: $e, invitees: { create: [{ email: "${email('inv')}" }] } }) { invitees { invitedBy { email } } } }`, { e: email('host') }));
      expect(creator.createUser.invitees[0].invitedBy.email).toMatch(/^host/);
    });

    it('rejects disconnecting posts, which need an author, with BAD_USER_INPUT', async () => {
      const u = await user({ posts: { create: [{ slug: 'p', title: 'P' }] } });
      const post = await t.prisma.post.findFirst({ where: { authorId: u.id } });
      expect(codes(await updateRaw(u.id, { posts: { disconnect: [{ id: post.id }] } }))).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('implicit many-to-many (Post.tags)', () => {
    const POST = 'mutation($id: Int!, $d: PostUpdateInput!) { updatePost(where: { id: $id }, data: $d) { tags(orderBy: [{ name: asc }]) { name } } }';
    const tagsAfter = async (id: number, d: object) => ok(await t.gql(POST, { id, d })).updatePost.tags.map((x: any) => x.name);

    it('creates, connects, connectOrCreates, disconnects, sets, updates and deletes tags', async () => {
      const u = await user();
      const post = await t.prisma.post.create({ data: { authorId: u.id, slug: 'tagged', title: 'T' } });
      await t.prisma.tag.createMany({ data: [{ name: 'm-a' }, { name: 'm-b' }, { name: 'm-c' }] });
      expect(await tagsAfter(post.id, { tags: { create: [{ name: 'm-new' }], connect: [{ name: 'm-a' }] } })).toEqual(['m-a', 'm-new']);
      expect(await tagsAfter(post.id, { tags: { connectOrCreate: [{ where: { name: 'm-b' }, create: { name: 'm-b' } }, { where: { name: 'm-d' }, create: { name: 'm-d' } }] } })).toEqual(['m-a', 'm-b', 'm-d', 'm-new']);
      expect(await tagsAfter(post.id, { tags: { disconnect: [{ name: 'm-a' }] } })).toEqual(['m-b', 'm-d', 'm-new']);
      expect(await tagsAfter(post.id, { tags: { set: [{ name: 'm-c' }, { name: 'm-d' }] } })).toEqual(['m-c', 'm-d']);
      expect(await tagsAfter(post.id, { tags: { update: [{ where: { name: 'm-c' }, data: { name: 'm-c2' } }] } })).toEqual(['m-c2', 'm-d']);
      expect(await tagsAfter(post.id, { tags: { delete: [{ name: 'm-d' }] } })).toEqual(['m-c2']);
      expect(await t.prisma.tag.count({ where: { name: { in: ['m-a', 'm-b', 'm-d'] } } })).toBe(2);
    });
  });

  describe('explicit many-to-many (PostLike, compound id)', () => {
    it('creates, connectOrCreates and deletes likes by userId_postId', async () => {
      const u = await user();
      const author = await user({ posts: { create: [{ slug: 'l1', title: 'L1' }, { slug: 'l2', title: 'L2' }] } });
      const [p1, p2] = await t.prisma.post.findMany({ where: { authorId: author.id }, orderBy: { id: 'asc' } });
      const liked = await update(u.id, {
        likes: {
          create: [{ post: { connect: { id: p1.id } } }],
          connectOrCreate: [{ where: { userId_postId: { userId: u.id, postId: p2.id } }, create: { postId: p2.id } }],
        },
      });
      expect(liked.likes.map((l: any) => l.post.slug)).toEqual(['l1', 'l2']);
      const after = await update(u.id, { likes: { delete: [{ userId_postId: { userId: u.id, postId: p1.id } }] } });
      expect(after.likes.map((l: any) => l.post.slug)).toEqual(['l2']);
      const q = 'mutation($u: Int!, $p: Int!) { createPostLike(data: { user: { connect: { id: $u } }, post: { connect: { id: $p } } }) { user { email } post { slug } } }';
      expect(ok(await t.gql(q, { u: u.id, p: p1.id })).createPostLike).toEqual({ user: { email: u.email }, post: { slug: 'l1' } });
    });
  });

  describe('to-one', () => {
    it('creates, connects, updates, disconnects and deletes an optional relation (User.invitedBy)', async () => {
      const u = await user();
      const host = await user();
      expect((await update(u.id, { invitedBy: { create: { email: 'inviter-created@example.com' } } })).invitedBy).toEqual({ email: 'inviter-created@example.com' });
      expect((await update(u.id, { invitedBy: { connect: { id: host.id } } })).invitedBy).toEqual({ email: host.email });
      expect((await update(u.id, { invitedBy: { update: { name: 'Host' } } })).invitedBy).toEqual({ email: host.email });
      expect((await t.prisma.user.findUnique({ where: { id: host.id } })).name).toBe('Host');
      expect((await update(u.id, { invitedBy: { disconnect: true } })).invitedBy).toBeNull();
      await update(u.id, { invitedBy: { connect: { id: host.id } } });
      expect((await update(u.id, { invitedBy: { delete: true } })).invitedBy).toBeNull();
      expect(await t.prisma.user.findUnique({ where: { id: host.id } })).toBeNull();
    });

    it('connectOrCreates and upserts an optional relation, both branches', async () => {
      const u = await user();
      const existing = await user();
      const cc = (e: string) => ({ invitedBy: { connectOrCreate: { where: { email: e }, create: { email: e, name: 'made' } } } });
      expect((await update(u.id, cc(existing.email))).invitedBy).toEqual({ email: existing.email });
      const fresh = email('cc');
      expect((await update(u.id, cc(fresh))).invitedBy).toEqual({ email: fresh });
      const orphan = await user();
      const up = { invitedBy: { upsert: { create: { email: email('ups') }, update: { name: 'upserted' } } } };
      expect((await update(orphan.id, up)).invitedBy.email).toMatch(/^ups/);
      await update(orphan.id, up);
      const inviter = await t.prisma.user.findFirst({ where: { invitees: { some: { id: orphan.id } } } });
      expect(inviter.name).toBe('upserted');
    });

    it('creates, updates, upserts, connects and deletes a one-to-one relation (User.profile)', async () => {
      const u = await user();
      expect((await update(u.id, { profile: { create: { bio: 'v1' } } })).profile).toEqual({ bio: 'v1' });
      expect((await update(u.id, { profile: { update: { bio: 'v2' } } })).profile).toEqual({ bio: 'v2' });
      expect((await update(u.id, { profile: { upsert: { create: { bio: 'no' }, update: { bio: 'v3' } } } })).profile).toEqual({ bio: 'v3' });
      expect((await update(u.id, { profile: { delete: true } })).profile).toBeNull();
      expect((await update(u.id, { profile: { upsert: { create: { bio: 'v4' }, update: { bio: 'no' } } } })).profile).toEqual({ bio: 'v4' });
      const other = await user({ profile: { create: { bio: 'theirs' } } });
      const theirs = await t.prisma.profile.findUnique({ where: { userId: other.id } });
      await update(u.id, { profile: { delete: true } });
      expect((await update(u.id, { profile: { connect: { id: theirs.id } } })).profile).toEqual({ bio: 'theirs' });
      expect(await t.prisma.profile.findUnique({ where: { userId: other.id } })).toBeNull();
      const viaCc = await user();
      expect((await update(viaCc.id, { profile: { connectOrCreate: { where: { userId: viaCc.id }, create: { bio: 'cc' } } } })).profile).toEqual({ bio: 'cc' });
    });

    it('rejects disconnecting a profile, which needs its user, with BAD_USER_INPUT', async () => {
      const u = await user({ profile: { create: { bio: 'stay' } } });
      expect(codes(await updateRaw(u.id, { profile: { disconnect: true } }))).toEqual(['BAD_USER_INPUT']);
      expect(await t.prisma.profile.count({ where: { userId: u.id } })).toBe(1);
    });

    it('moves a post to another author and updates the required author through the post', async () => {
      const [a, b] = [await user(), await user()];
      const post = await t.prisma.post.create({ data: { authorId: a.id, slug: 'owned', title: 'O' } });
      const q = 'mutation($id: Int!, $d: PostUpdateInput!) { updatePost(where: { id: $id }, data: $d) { author { email name } } }';
      expect(ok(await t.gql(q, { id: post.id, d: { author: { connect: { email: b.email } } } })).updatePost.author).toEqual({ email: b.email, name: null });
      expect(ok(await t.gql(q, { id: post.id, d: { author: { update: { name: 'B' } } } })).updatePost.author).toEqual({ email: b.email, name: 'B' });
      const created = ok(await t.gql('mutation($e: String!) { createPost(data: { slug: "s", title: "S", author: { create: { email: $e } } }) { author { email } } }', { e: email('new-author') }));
      expect(created.createPost.author.email).toMatch(/^new-author/);
    });
  });

  describe('atomicity', () => {
    const countAll = async () => ({
      users: await t.prisma.user.count(),
      profiles: await t.prisma.profile.count(),
      posts: await t.prisma.post.count(),
      comments: await t.prisma.comment.count(),
      tags: await t.prisma.tag.count(),
      likes: await t.prisma.postLike.count(),
      postTags: Number(((await t.prisma.$queryRawUnsafe('SELECT COUNT(*) AS n FROM "_PostToTag"')) as { n: unknown }[])[0].n),
    });

    it('rolls back everything when the third nested child violates a unique constraint, and answers CONFLICT', async () => {
      const liker = await user();
      const before = await countAll();
      const child = (slug: string) => ({ slug, title: slug, tags: { create: [{ name: `rb-${slug}-${n}` }] }, comments: { create: [{ body: 'x', author: { connect: { id: liker.id } } }] } });
      const d = {
        email: email('rollback'),
        profile: { create: { bio: 'temp' } },
        likes: { create: [] },
        posts: { create: [child('r1'), child('r2'), child('r1')] },
      };
      const res = await t.gql('mutation($d: UserCreateInput!) { createUser(data: $d) { id } }', { d });
      expect(codes(res)).toEqual(['CONFLICT']);
      expect(res.data).toBeNull();
      expect(await countAll()).toEqual(before);
    });

    it('rolls back a nested update whose later step fails', async () => {
      const u = await user({ name: 'before', posts: { create: [{ slug: 'k1', title: 'K1' }, { slug: 'k2', title: 'K2' }] } });
      const before = await countAll();
      const res = await updateRaw(u.id, {
        name: 'after',
        posts: { create: [{ slug: 'k3', title: 'K3' }], update: [{ where: { authorId_slug: { authorId: u.id, slug: 'k1' } }, data: { slug: 'k2' } }] },
      });
      expect(codes(res)).toEqual(['CONFLICT']);
      expect(await countAll()).toEqual(before);
      expect((await t.prisma.user.findUnique({ where: { id: u.id } })).name).toBe('before');
    });
  });
});
