import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { type Actor, type Seeded, seed } from './seed.ts';

const MISSING = 987_654;

/** What a write left in the tables a foreign-key case could touch. */
const snapshot = async (t: TestApp) =>
  JSON.stringify(
    {
      comments: await t.prisma.comment.findMany({ orderBy: { id: 'asc' } }),
      likes: await t.prisma.postLike.findMany({ orderBy: [{ userId: 'asc' }, { postId: 'asc' }] }),
      users: await t.prisma.user.findMany({ orderBy: { id: 'asc' }, select: { id: true, avatarId: true, invitedById: true } }),
      files: await t.prisma.file.findMany({ orderBy: { id: 'asc' }, select: { id: true, postId: true } }),
    },
    (_key, value) => (typeof value === 'bigint' ? value.toString() : value),
  );

const answer = (result: any) => (result.errors ? { code: result.errors[0].extensions.code, message: result.errors[0].message } : { code: 'ok' });

/**
 * A foreign key a client sets as a column is a `connect`: it must point at
 * a row the viewer may read. A hidden row and a missing one get the same
 * NOT_FOUND as a nested connect, and nothing is written — in every write
 * operation that takes the column, at the root and nested. (createMany
 * inputs need the preset owner column here, so only admins can use them:
 * its batched check is in test/permissions/write-checks.test.ts.)
 */
describe.each(providers)('foreign keys set as columns on %s', (provider) => {
  let t: TestApp;
  let s: Seeded;
  let files: Record<'alicePrivate' | 'bobPrivate', string>;

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true });
  });
  beforeEach(async () => {
    for (const model of ['file', 'postLike', 'comment', 'post', 'tag', 'profile', 'user']) await t.prisma[model].deleteMany();
    s = await seed(t);
    const file = async (owner: 'alice' | 'bob') =>
      (await t.prisma.file.create({ data: { key: `k-${owner}`, bucket: 'b', size: 1n, contentType: 'text/plain', originalName: 'f.txt', status: 'ACTIVE', ownerId: s.users[owner] } })).id;
    files = { alicePrivate: await file('alice'), bobPrivate: await file('bob') };
  });
  afterAll(() => t.close());

  /** The other user's draft: a post the actor may not read. */
  const hiddenPost = (actor: Actor) => (actor === 'alice' ? s.posts.bobDraft : s.posts.aliceDraft);
  const me = (actor: Actor) => s.users[actor as 'alice' | 'bob'];
  const myComment = (actor: Actor) => s.comments[`${actor}On_${actor}Published`];

  type Case = [name: string, target: 'Post' | 'File', run: (actor: Actor, id: number | string) => Promise<any>];
  const as = (actor: Actor) => t.as(s.viewers[actor]);
  const cases: Case[] = [
    ['createComment', 'Post', (a, id) => as(a)('mutation($id: Int!) { createComment(data: { body: "fk", postId: $id }) { id } }', { id })],
    ['updateComment', 'Post', (a, id) => as(a)('mutation($c: Int!, $id: Int!) { updateComment(where: { id: $c }, data: { postId: $id }) { id } }', { c: myComment(a), id })],
    ['updateManyComments', 'Post', (a, id) => as(a)('mutation($c: Int!, $id: Int!) { updateManyComments(where: { id: { equals: $c } }, data: { postId: $id }) { count } }', { c: myComment(a), id })],
    ['upsertComment (create)', 'Post', (a, id) => as(a)('mutation($id: Int!) { upsertComment(where: { id: 999999 }, create: { body: "fk", postId: $id }, update: { body: "x" }) { id } }', { id })],
    ['upsertComment (update)', 'Post', (a, id) => as(a)('mutation($c: Int!, $id: Int!) { upsertComment(where: { id: $c }, create: { body: "fk" , postId: $id }, update: { postId: $id }) { id } }', { c: myComment(a), id })],
    ['createPostLike', 'Post', (a, id) => as(a)('mutation($id: Int!) { createPostLike(data: { postId: $id }) { postId } }', { id })],
    ['nested create of a like under updateUser', 'Post', (a, id) => as(a)('mutation($me: Int!, $id: Int!) { updateUser(where: { id: $me }, data: { likes: { create: [{ postId: $id }] } }) { id } }', { me: me(a), id })],
    ['nested create of a comment under updateUser', 'Post', (a, id) => as(a)('mutation($me: Int!, $id: Int!) { updateUser(where: { id: $me }, data: { comments: { create: [{ body: "fk", postId: $id }] } }) { id } }', { me: me(a), id })],
    ['updateUser avatarId (a File)', 'File', (a, id) => as(a)('mutation($me: Int!, $id: String!) { updateUser(where: { id: $me }, data: { avatarId: $id }) { id } }', { me: me(a), id })],
  ];
  const table = cases.flatMap(([name, target, run]) => (['alice', 'bob'] as Actor[]).map((actor) => [name, actor, target, run] as const));

  it.each(table)('%s as %s: a hidden target answers exactly like a missing one, and nothing is written', async (_name, actor, target, run) => {
    const before = await snapshot(t);
    const hidden = target === 'Post' ? hiddenPost(actor) : actor === 'alice' ? files.bobPrivate : files.alicePrivate;
    const missing = target === 'Post' ? MISSING : 'no-such-file';
    const [toHidden, toMissing] = [answer(await run(actor, hidden)), answer(await run(actor, missing))];
    expect(toHidden).toEqual({ code: 'NOT_FOUND', message: `${target} not found` });
    expect(toMissing).toEqual(toHidden);
    expect(await snapshot(t)).toBe(before);
  });

  it('answers a nested connect to a hidden post with the very same error', async () => {
    const nested = await as('bob')('mutation($id: Int!) { createComment(data: { body: "fk", post: { connect: { id: $id } } }) { id } }', { id: s.posts.aliceDraft });
    const column = await as('bob')('mutation($id: Int!) { createComment(data: { body: "fk", postId: $id }) { id } }', { id: s.posts.aliceDraft });
    expect(answer(column)).toEqual(answer(nested));
  });

  it('still writes a foreign key pointing at a row the viewer may read', async () => {
    const comment = await as('bob')('mutation($id: Int!) { createComment(data: { body: "fk", postId: $id }) { postId } }', { id: s.posts.alicePublished });
    expect(comment).toEqual({ data: { createComment: { postId: s.posts.alicePublished } } });
    const like = await as('bob')('mutation($id: Int!) { createPostLike(data: { postId: $id }) { postId } }', { id: s.posts.bobDraft });
    expect(like).toEqual({ data: { createPostLike: { postId: s.posts.bobDraft } } });
  });

  it('lets an admin, who reads everything, point anywhere, and answers NOT_FOUND for a missing row', async () => {
    const ok = await as('admin')('mutation($c: Int!, $id: Int!) { updateComment(where: { id: $c }, data: { postId: $id }) { postId } }', { c: s.comments.bobOn_bobPublished, id: s.posts.aliceDraft });
    expect(ok).toEqual({ data: { updateComment: { postId: s.posts.aliceDraft } } });
    const missing = await as('admin')('mutation($id: Int!, $me: Int!) { createComment(data: { body: "fk", postId: $id, authorId: $me }) { id } }', { id: MISSING, me: s.users.admin });
    expect(answer(missing)).toEqual({ code: 'NOT_FOUND', message: 'Post not found' });
  });
});

/**
 * A field the session presets on create names the row's owner: a client
 * may not change it on update either, directly or through its relation,
 * unless a field write rule of its own says who may (see
 * test/permissions/write-checks.test.ts). Admins are not limited.
 */
describe.each(providers)('owner presets on update on %s', (provider) => {
  let t: TestApp;
  let s: Seeded;
  let loner: number;

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true });
  });
  beforeEach(async () => {
    for (const model of ['postLike', 'comment', 'post', 'tag', 'profile', 'user']) await t.prisma[model].deleteMany();
    s = await seed(t);
    loner = (await t.prisma.user.create({ data: { email: 'loner@example.com' } })).id;
  });
  afterAll(() => t.close());

  const profileOf = async (user: number) => (await t.prisma.profile.findUnique({ where: { userId: user } })).id;
  const cases: [name: string, field: string, run: (s: Seeded, profile: number) => [string, Record<string, unknown>]][] = [
    ['updateProfile userId', 'Profile.userId', (_s, profile) => ['mutation($id: Int!, $to: Int!) { updateProfile(where: { id: $id }, data: { userId: $to }) { id } }', { id: profile, to: loner }]],
    ['updateProfile user connect', 'Profile.userId', (_s, profile) => ['mutation($id: Int!, $to: Int!) { updateProfile(where: { id: $id }, data: { user: { connect: { id: $to } } }) { id } }', { id: profile, to: loner }]],
    ['updateManyProfiles userId', 'Profile.userId', () => ['mutation($to: Int!) { updateManyProfiles(data: { userId: $to }) { count } }', { to: loner }]],
    ['upsertProfile userId', 'Profile.userId', (_s, profile) => ['mutation($id: Int!, $to: Int!) { upsertProfile(where: { id: $id }, create: { bio: "x" }, update: { userId: $to }) { id } }', { id: profile, to: loner }]],
    ['updatePost authorId', 'Post.authorId', (s) => ['mutation($id: Int!, $to: Int!) { updatePost(where: { id: $id }, data: { authorId: $to }) { id } }', { id: s.posts.alicePublished, to: loner }]],
    ['updatePost author connect', 'Post.authorId', (s) => ['mutation($id: Int!, $to: Int!) { updatePost(where: { id: $id }, data: { author: { connect: { id: $to } } }) { id } }', { id: s.posts.alicePublished, to: loner }]],
    ['updateComment authorId', 'Comment.authorId', (s) => ['mutation($id: Int!, $to: Int!) { updateComment(where: { id: $id }, data: { authorId: $to }) { id } }', { id: s.comments.aliceOn_alicePublished, to: loner }]],
    ['updateProfile _increment userId', 'Profile.userId', (_s, profile) => ['mutation($id: Int!) { updateProfile(where: { id: $id }, data: { _increment: { userId: 1 } }) { id } }', { id: profile }]],
  ];

  it.each(cases)('%s by the owner → FORBIDDEN, and the owner stays', async (_name, field, build) => {
    const profile = await profileOf(s.users.alice);
    const [query, variables] = build(s, profile);
    const result = await t.as(s.viewers.alice)(query, variables);
    expect(answer(result)).toEqual({ code: 'FORBIDDEN', message: `Not allowed to set ${field}` });
    expect((await t.prisma.profile.findUnique({ where: { id: profile } })).userId).toBe(s.users.alice);
    expect(await t.prisma.post.count({ where: { authorId: loner } })).toBe(0);
    expect(await t.prisma.comment.count({ where: { authorId: loner } })).toBe(0);
  });

  it('lets an admin move a profile to another user', async () => {
    const profile = await profileOf(s.users.alice);
    const result = await t.as(s.viewers.admin)('mutation($id: Int!, $to: Int!) { updateProfile(where: { id: $id }, data: { userId: $to }) { userId } }', { id: profile, to: loner });
    expect(result).toEqual({ data: { updateProfile: { userId: loner } } });
  });
});
