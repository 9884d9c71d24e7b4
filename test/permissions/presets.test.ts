import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { type Seeded, seed } from './seed.ts';

/**
 * Preset-filled fields (Post.authorId, Comment.authorId, Profile.userId,
 * PostLike.userId in the example) are optional in every create input: the
 * session fills them for users, and whoever no preset serves (admins) must
 * give them.
 */
describe.each(providers)('preset fields in create inputs on %s', (provider) => {
  let t: TestApp;
  let s: Seeded;
  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true });
    s = await seed(t);
  });
  afterAll(() => t.close());

  /** Each way to create rows of a model with presets, without giving the preset field. */
  const creates: [string, string, (s: Seeded) => Record<string, unknown>, (data: any) => number][] = [
    ['createManyPosts', 'mutation($d: [PostCreateManyInput!]!) { createManyPosts(data: $d) { count } }', () => ({ d: [{ slug: 'm1', title: 'M1' }, { slug: 'm2', title: 'M2' }] }), (d) => d.createManyPosts.count],
    ['createManyComments', 'mutation($d: [CommentCreateManyInput!]!) { createManyComments(data: $d) { count } }', (s) => ({ d: [{ body: 'c', postId: s.posts.alicePublished }] }), (d) => d.createManyComments.count],
    ['createManyPostLikes', 'mutation($d: [PostLikeCreateManyInput!]!) { createManyPostLikes(data: $d) { count } }', (s) => ({ d: [{ postId: s.posts.bobPublished }] }), (d) => d.createManyPostLikes.count],
    ['createPost', 'mutation { createPost(data: { slug: "one", title: "One" }) { id } }', () => ({}), (d) => (d.createPost.id ? 1 : 0)],
    [
      'createPost with nested comments',
      'mutation { createPost(data: { slug: "nested", title: "N", comments: { create: [{ body: "first" }, { body: "second" }] } }) { comments { id } } }',
      () => ({}),
      (d) => d.createPost.comments.length,
    ],
  ];

  it.each(creates)('lets a signed-in user %s without the preset field, filled from the session', async (_name, query, vars, count) => {
    const result = await t.as(s.viewers.bob)(query, vars(s));
    expect(result.errors).toBeUndefined();
    expect(count(result.data)).toBeGreaterThan(0);
  });

  it('sets the preset field to the viewer on every row created', async () => {
    const posts = await t.prisma.post.findMany({ where: { slug: { in: ['m1', 'm2', 'one', 'nested'] } }, include: { comments: true } });
    expect(posts.length).toBe(4);
    for (const post of posts) {
      expect(post.authorId).toBe(s.users.bob);
      for (const comment of post.comments) expect(comment.authorId).toBe(s.users.bob);
    }
    const likes = await t.prisma.postLike.findMany({ where: { userId: s.users.bob } });
    expect(likes.map((l: any) => l.postId)).toEqual([s.posts.bobPublished]);
  });

  it('refuses a user who sets the preset field in createMany with FORBIDDEN', async () => {
    const result = await t.as(s.viewers.bob)('mutation($d: [PostCreateManyInput!]!) { createManyPosts(data: $d) { count } }', {
      d: [{ slug: 'x', title: 'X', authorId: s.users.alice }],
    });
    expect(result.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it.each(['admin', 'service'] as const)('asks %s (no preset applies) for the field with BAD_USER_INPUT', async (actor) => {
    const result = await t.as(s.viewers[actor])('mutation($d: [PostCreateManyInput!]!) { createManyPosts(data: $d) { count } }', { d: [{ slug: 'y', title: 'Y' }] });
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toBe('Post.authorId is required');
    const given = await t.as(s.viewers[actor])('mutation($d: [PostCreateManyInput!]!) { createManyPosts(data: $d) { count } }', {
      d: [{ slug: `y-${actor}`, title: 'Y', authorId: s.users.alice }],
    });
    expect(given.data?.createManyPosts.count).toBe(1);
  });
});
