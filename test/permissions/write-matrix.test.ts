import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { type Actor, type Seeded, seed } from './seed.ts';

type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

const code = (result: any): Outcome => (result.errors ? result.errors[0].extensions.code : 'ok');

describe.each(providers)('write permissions on %s', (provider) => {
  let t: TestApp;
  let s: Seeded;
  const stats = { cases: 0, denied: 0, allowed: 0 };
  const expectOutcome = (result: any, expected: Outcome) => {
    stats.cases += 1;
    expected === 'ok' ? stats.allowed++ : stats.denied++;
    expect({ outcome: code(result), errors: expected === 'ok' ? result.errors : undefined }).toEqual({ outcome: expected, errors: undefined });
  };
  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true });
  });
  beforeEach(async () => {
    for (const model of ['postLike', 'comment', 'post', 'tag', 'profile', 'user']) await t.prisma[model].deleteMany();
    s = await seed(t);
  });
  afterAll(async () => {
    console.log(`[permission matrix] writes on ${provider}: ${stats.cases} cases, ${stats.allowed} allowed, ${stats.denied} denied`);
    await t.close();
  });

  const updatePost: [Actor, keyof Seeded['posts'], Outcome][] = [
    ['anonymous', 'alicePublished', 'UNAUTHENTICATED'],
    ['alice', 'alicePublished', 'ok'],
    ['alice', 'aliceDraft', 'ok'],
    ['bob', 'alicePublished', 'FORBIDDEN'],
    ['bob', 'aliceDraft', 'NOT_FOUND'],
    ['admin', 'bobDraft', 'ok'],
    ['service', 'bobDraft', 'ok'],
  ];
  it.each(updatePost)('updatePost as %s on %s → %s', async (actor, post, expected) => {
    const result = await t.as(s.viewers[actor])('mutation($id: Int!) { updatePost(where: { id: $id }, data: { title: "changed" }) { id title } }', { id: s.posts[post] });
    expectOutcome(result, expected);
    const row = await t.prisma.post.findUnique({ where: { id: s.posts[post] } });
    expect(row.title === 'changed').toBe(expected === 'ok');
  });

  const deleteComment: [Actor, string, Outcome][] = [
    ['anonymous', 'aliceOn_bobPublished', 'UNAUTHENTICATED'],
    ['alice', 'aliceOn_bobPublished', 'ok'],
    ['bob', 'aliceOn_bobPublished', 'FORBIDDEN'],
    ['bob', 'aliceOn_aliceDraft', 'NOT_FOUND'],
    ['admin', 'aliceOn_aliceDraft', 'ok'],
  ];
  it.each(deleteComment)('deleteComment as %s on %s → %s', async (actor, comment, expected) => {
    const result = await t.as(s.viewers[actor])('mutation($id: Int!) { deleteComment(where: { id: $id }) { id } }', { id: s.comments[comment] });
    expectOutcome(result, expected);
    expect(await t.prisma.comment.count({ where: { id: s.comments[comment] } })).toBe(expected === 'ok' ? 0 : 1);
  });

  it('creates posts for the signed-in author only (preset), refusing to assign the author', async () => {
    const create = (actor: Actor, extra = '') =>
      t.as(s.viewers[actor])(`mutation { createPost(data: { slug: "new", title: "New" ${extra} }) { id authorId } }`);
    expectOutcome(await create('anonymous'), 'UNAUTHENTICATED');
    const mine = await create('alice');
    expectOutcome(mine, 'ok');
    expect(mine.data.createPost.authorId).toBe(s.users.alice);
    expectOutcome(await create('alice', `, authorId: ${s.users.bob}`), 'FORBIDDEN');
    expectOutcome(await create('bob', `, author: { connect: { id: ${s.users.alice} } }`), 'FORBIDDEN');
  });

  it('refuses mass assignment of role and karma, even on your own user', async () => {
    const viewer = t.as(s.viewers.alice);
    const id = s.users.alice;
    expectOutcome(await viewer(`mutation { updateUser(where: { id: ${id} }, data: { role: ADMIN }) { id } }`), 'FORBIDDEN');
    expectOutcome(await viewer(`mutation { updateUser(where: { id: ${id} }, data: { _increment: { karma: "1000" } }) { id } }`), 'FORBIDDEN');
    expectOutcome(await viewer(`mutation { updateUser(where: { id: ${id} }, data: { name: "Alice A." }) { name } }`), 'ok');
    expect((await t.prisma.user.findUnique({ where: { id } })).role).toBe('USER');
  });

  it('checks every nested write against the target model: connect, update, delete', async () => {
    const alice = t.as(s.viewers.alice);
    // Connecting a tag you can read is fine; connecting to a draft you cannot read is NOT_FOUND.
    expectOutcome(await alice(`mutation { createPostLike(data: { post: { connect: { id: ${s.posts.bobDraft} } } }) { postId } }`), 'NOT_FOUND');
    // Updating someone else's post through your own user is NOT_FOUND: it is not linked to you.
    const nested = await alice(`mutation { updateUser(where: { id: ${s.users.alice} }, data: { posts: { update: [{ where: { id: ${s.posts.bobPublished} }, data: { title: "x" } }] } }) { id } }`);
    expectOutcome(nested, 'NOT_FOUND');
    // A nested delete of a comment you may not delete fails and rolls the whole mutation back.
    const before = await t.prisma.post.findUnique({ where: { id: s.posts.alicePublished } });
    const rollback = await alice(`mutation { updatePost(where: { id: ${s.posts.alicePublished} }, data: { title: "renamed", comments: { delete: [{ id: ${s.comments.bobOn_alicePublished} }] } }) { id } }`);
    expectOutcome(rollback, 'FORBIDDEN');
    expect((await t.prisma.post.findUnique({ where: { id: s.posts.alicePublished } })).title).toBe(before.title);
    // Batch writes touch only rows the viewer may read and change: not her comment on Bob's draft.
    const batch = await alice('mutation { updateManyComments(data: { body: "edited" }) { count } }');
    expectOutcome(batch, 'ok');
    expect(batch.data.updateManyComments.count).toBe(3);
    expect((await t.prisma.comment.findUnique({ where: { id: s.comments.aliceOn_bobDraft } })).body).not.toBe('edited');
    expect(await t.prisma.comment.count({ where: { authorId: s.users.bob, body: 'edited' } })).toBe(0);
  });

  it('never lets a nested create escape its parent rules (comment on an unreadable draft)', async () => {
    const bob = t.as(s.viewers.bob);
    expectOutcome(await bob(`mutation { createComment(data: { body: "hi", post: { connect: { id: ${s.posts.aliceDraft} } } }) { id } }`), 'NOT_FOUND');
    expect(await t.prisma.comment.count({ where: { body: 'hi' } })).toBe(0);
  });
});
