import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { type Actor, type Seeded, seed } from './seed.ts';

type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';
const outcome = (result: any): Outcome => (result.errors ? result.errors[0].extensions.code : 'ok');

/**
 * Linking or unlinking rows changes every row whose relation changes: a
 * many-to-many link needs the update rule of both sides, a foreign key moved
 * from the other side (`User.posts: { connect }`) needs the update rule of
 * the row holding it and the right to set that column. Under the example
 * rules Tag updates are admin-only, Post and Comment updates owner-only,
 * Post.authorId is never client-writable, and drafts are hidden from others.
 */
describe.each(providers)('relations changed from either side on %s', (provider) => {
  let t: TestApp;
  let s: Seeded;
  let tag: number;
  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true });
  });
  beforeEach(async () => {
    for (const model of ['postLike', 'comment', 'post', 'tag', 'profile', 'user']) await t.prisma[model].deleteMany();
    s = await seed(t);
    tag = (await t.prisma.tag.findFirst()).id;
  });
  afterAll(() => t.close());

  const tagsOf = async (post: number) => (await t.prisma.post.findUnique({ where: { id: post }, include: { tags: true } })).tags.map((x: any) => x.id);

  /** [actor, description, mutation, variables, expected, what must (not) have changed]. */
  type Case = [Actor, string, string, (s: Seeded, tag: number) => Record<string, unknown>, Outcome, (s: Seeded, tag: number) => Promise<boolean>];
  const cases: Case[] = [
    ['alice', "createTag connecting bob's post (Post update rule)", 'mutation($p: Int!) { createTag(data: { name: "spam", posts: { connect: [{ id: $p }] } }) { id } }', (s) => ({ p: s.posts.bobPublished }), 'FORBIDDEN', async () => (await t.prisma.tag.count({ where: { name: 'spam' } })) === 0],
    ['alice', "createTag connecting bob's hidden draft", 'mutation($p: Int!) { createTag(data: { name: "spam", posts: { connect: [{ id: $p }] } }) { id } }', (s) => ({ p: s.posts.bobDraft }), 'NOT_FOUND', async () => (await t.prisma.tag.count({ where: { name: 'spam' } })) === 0],
    ['alice', 'createTag connecting a missing post', 'mutation($p: Int!) { createTag(data: { name: "spam", posts: { connect: [{ id: $p }] } }) { id } }', () => ({ p: 999999 }), 'NOT_FOUND', async () => (await t.prisma.tag.count({ where: { name: 'spam' } })) === 0],
    ['alice', 'createTag connecting her own post', 'mutation($p: Int!) { createTag(data: { name: "mine", posts: { connect: [{ id: $p }] } }) { id } }', (s) => ({ p: s.posts.alicePublished }), 'ok', async (s) => (await tagsOf(s.posts.alicePublished)).length === 2],
    ['alice', 'updatePost (own) connecting a tag (Tag update rule: admins)', 'mutation($p: Int!, $t: Int!) { updatePost(where: { id: $p }, data: { tags: { disconnect: [{ id: $t }] } }) { id } }', (s, tag) => ({ p: s.posts.alicePublished, t: tag }), 'FORBIDDEN', async (s, tag) => (await tagsOf(s.posts.alicePublished)).includes(tag)],
    ['admin', "updateTag disconnecting bob's draft", 'mutation($p: Int!, $t: Int!) { updateTag(where: { id: $t }, data: { posts: { disconnect: [{ id: $p }] } }) { id } }', (s, tag) => ({ p: s.posts.bobDraft, t: tag }), 'ok', async (s, tag) => !(await tagsOf(s.posts.bobDraft)).includes(tag)],
    ['bob', "updateUser (own) taking alice's post (Post update rule)", 'mutation($u: Int!, $p: Int!) { updateUser(where: { id: $u }, data: { posts: { connect: [{ id: $p }] } }) { id } }', (s) => ({ u: s.users.bob, p: s.posts.alicePublished }), 'FORBIDDEN', async (s) => (await t.prisma.post.findUnique({ where: { id: s.posts.alicePublished } })).authorId === s.users.alice],
    ['bob', "updateUser (own) taking alice's hidden draft", 'mutation($u: Int!, $p: Int!) { updateUser(where: { id: $u }, data: { posts: { connect: [{ id: $p }] } }) { id } }', (s) => ({ u: s.users.bob, p: s.posts.aliceDraft }), 'NOT_FOUND', async (s) => (await t.prisma.post.findUnique({ where: { id: s.posts.aliceDraft } })).authorId === s.users.alice],
    ['alice', 'updateUser (own) re-linking her own post (Post.authorId is not client-writable)', 'mutation($u: Int!, $p: Int!) { updateUser(where: { id: $u }, data: { posts: { connect: [{ id: $p }] } }) { id } }', (s) => ({ u: s.users.alice, p: s.posts.alicePublished }), 'FORBIDDEN', async () => true],
    ['alice', "updatePost (own) pulling in bob's comment (Comment update rule)", 'mutation($p: Int!, $c: Int!) { updatePost(where: { id: $p }, data: { comments: { connect: [{ id: $c }] } }) { id } }', (s) => ({ p: s.posts.aliceDraft, c: s.comments.bobOn_bobPublished }), 'FORBIDDEN', async (s) => (await t.prisma.comment.findUnique({ where: { id: s.comments.bobOn_bobPublished } })).postId === s.posts.bobPublished],
    ['alice', 'updatePost (own) moving her own comment onto it', 'mutation($p: Int!, $c: Int!) { updatePost(where: { id: $p }, data: { comments: { connect: [{ id: $c }] } }) { id } }', (s) => ({ p: s.posts.aliceDraft, c: s.comments.aliceOn_bobPublished }), 'ok', async (s) => (await t.prisma.comment.findUnique({ where: { id: s.comments.aliceOn_bobPublished } })).postId === s.posts.aliceDraft],
    ['anonymous', 'createTag connecting a post', 'mutation($p: Int!) { createTag(data: { name: "spam", posts: { connect: [{ id: $p }] } }) { id } }', (s) => ({ p: s.posts.alicePublished }), 'UNAUTHENTICATED', async () => (await t.prisma.tag.count({ where: { name: 'spam' } })) === 0],
  ];

  const named = cases.map(([actor, what, mutation, vars, expected, holds]) => ({ actor, what, mutation, vars, expected, holds }));
  it.each(named)('as $actor: $what → $expected, and leaves the rows as they must be', async ({ actor, mutation, vars, expected, holds }) => {
    const result = await t.as(s.viewers[actor])(mutation, vars(s, tag));
    expect({ outcome: outcome(result), errors: expected === 'ok' ? result.errors : undefined }).toEqual({ outcome: expected, errors: undefined });
    expect(await holds(s, tag)).toBe(true);
  });

  it('answers a connect to a hidden row exactly like a connect to a missing one', async () => {
    const query = 'mutation($p: Int!) { createTag(data: { name: "probe", posts: { connect: [{ id: $p }] } }) { id } }';
    const hidden = await t.as(s.viewers.alice)(query, { p: s.posts.bobDraft });
    const missing = await t.as(s.viewers.alice)(query, { p: 999999 });
    expect(hidden).toEqual(missing);
  });

  it('set replaces the links of a many-to-many relation', async () => {
    const other = (await t.prisma.tag.create({ data: { name: 'other' } })).id;
    const result = await t.as(s.viewers.admin)('mutation($t: Int!, $p: Int!) { updateTag(where: { id: $t }, data: { posts: { set: [{ id: $p }] } }) { id } }', { t: other, p: s.posts.alicePublished });
    expect(result.errors).toBeUndefined();
    // An admin sees every post: `news` keeps its four, `other` has exactly the one set.
    expect((await t.prisma.tag.findUnique({ where: { id: other }, include: { posts: true } })).posts.map((p: any) => p.id)).toEqual([s.posts.alicePublished]);
  });
});
