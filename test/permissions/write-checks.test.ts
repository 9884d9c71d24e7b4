import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/checks-app');
type User = Extract<Viewer, { kind: 'user' }>;
const user = (row: { id: number; email: string; role: string }): User => ({ kind: 'user', id: row.id, email: row.email, role: row.role, sessionId: `checks-${row.id}` });
const answer = (result: any) => (result.errors ? { code: result.errors[0].extensions.code, message: result.errors[0].message } : { code: 'ok' });

/**
 * A check that fails once the row is written — a create rule `where`,
 * `check.update`, or the written row not being readable — rolls the whole
 * mutation back: nothing it wrote stays, on plain single-row writes (which
 * otherwise skip the transaction) as on nested ones.
 */
describe.each(providers)('checks after the write on %s', (provider) => {
  let t: TestApp;
  let alice: User;
  let bob: User;
  let loner: number;

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true, env: { STRATA_APP_DIR: appDir } });
  });
  beforeEach(async () => {
    for (const model of ['comment', 'post', 'tag', 'profile', 'user']) await t.prisma[model].deleteMany();
    alice = user(await t.prisma.user.create({ data: { email: 'alice@checks.test', profile: { create: { bio: 'a' } } } }));
    bob = user(await t.prisma.user.create({ data: { email: 'bob@checks.test' } }));
    loner = (await t.prisma.user.create({ data: { email: 'loner@checks.test' } })).id;
    await t.prisma.tag.create({ data: { name: 'plain' } });
    await t.prisma.post.create({ data: { slug: 'mine', title: 'Mine', published: true, authorId: alice.id } });
    await t.prisma.post.create({ data: { slug: 'draft', title: 'Draft', published: false, authorId: alice.id } });
  });
  afterAll(() => t.close());

  /** Everything a case could have left behind. */
  const snapshot = async () =>
    JSON.stringify({
      tags: await t.prisma.tag.findMany({ orderBy: { id: 'asc' } }),
      posts: await t.prisma.post.findMany({ orderBy: { id: 'asc' }, select: { id: true, slug: true, title: true, published: true } }),
      comments: await t.prisma.comment.findMany({ orderBy: { id: 'asc' } }),
    });
  const post = async (slug: string) => (await t.prisma.post.findFirst({ where: { slug } })).id;

  const cases: [name: string, message: string, query: string][] = [
    ['createTag failing its create rule', 'Not allowed to create Tag', 'mutation { createTag(data: { name: "bad-1" }) { id } }'],
    ['createTag not readable once written', 'The Tag was written but is not readable by you', 'mutation { createTag(data: { name: "hidden-1" }) { id } }'],
    ['createTag with a nested post, not readable', 'The Tag was written but is not readable by you', 'mutation { createTag(data: { name: "hidden-2", posts: { create: [{ slug: "n", title: "N", published: true }] } }) { id } }'],
    ['updateTag failing check.update', 'Not allowed to update Tag', 'mutation { updateTag(where: { name: "plain" }, data: { name: "bad-2" }) { id } }'],
    ['updateTag not readable once written', 'The Tag was written but is not readable by you', 'mutation { updateTag(where: { name: "plain" }, data: { name: "hidden-3" }) { id } }'],
    ['updateManyTags failing check.update', 'Not allowed to update Tag', 'mutation { updateManyTags(where: { name: { equals: "plain" } }, data: { name: "bad-3" }) { count } }'],
    ['upsertTag creating a row not readable', 'The Tag was written but is not readable by you', 'mutation { upsertTag(where: { name: "new" }, create: { name: "hidden-4" }, update: {}) { id } }'],
    ['createPost of a draft (not readable)', 'The Post was written but is not readable by you', 'mutation { createPost(data: { slug: "d2", title: "D2" }) { id } }'],
    ['createPost failing its create rule', 'Not allowed to create Post', 'mutation { createPost(data: { slug: "r", title: "refused", published: true }) { id } }'],
    ['updatePost unpublishing (not readable)', 'The Post was written but is not readable by you', 'mutation { updatePost(where: { authorId_slug: { authorId: $ALICE, slug: "mine" } }, data: { published: false }) { id } }'],
    ['updatePost with a nested comment, failing check.update', 'Not allowed to update Post', 'mutation { updatePost(where: { authorId_slug: { authorId: $ALICE, slug: "mine" } }, data: { title: "refused", comments: { create: [{ body: "c", authorId: $ALICE }] } }) { id } }'],
  ];

  it.each(cases)('%s → FORBIDDEN, and nothing stays', async (_name, message, query) => {
    const before = await snapshot();
    const result = await t.as(alice)(query.replaceAll('$ALICE', String(alice.id)));
    expect(answer(result)).toEqual({ code: 'FORBIDDEN', message });
    expect(await snapshot()).toBe(before);
  });

  it('runs a plain createTag in a transaction here (without these rules it is one statement with none)', async () => {
    const from = t.app.db.statements.log.length;
    expect(await t.as(alice)('mutation { createTag(data: { name: "fine" }) { name } }')).toEqual({ data: { createTag: { name: 'fine' } } });
    // Prisma logs an interactive transaction's COMMIT (not its BEGIN).
    expect(t.app.db.statements.log.slice(from).some((sql) => /^\s*COMMIT/i.test(sql))).toBe(true);
  });

  it('checks the foreign keys of a createMany in one statement per relation, and writes none of its rows when one is hidden', async () => {
    const create = (postIds: number[]) => {
      const data = postIds.map((postId) => ({ body: 'many', postId, authorId: bob.id }));
      return t.as(bob)('mutation($data: [CommentCreateManyInput!]!) { createManyComments(data: $data) { count } }', { data });
    };
    const [visible, hidden] = [await post('mine'), await post('draft')];
    const before = await snapshot();
    const refused = answer(await create([visible, hidden]));
    expect(refused).toEqual({ code: 'NOT_FOUND', message: 'Post not found' });
    expect(answer(await create([visible, 987_654]))).toEqual(refused);
    expect(await snapshot()).toBe(before);

    const from = t.app.db.statements.log.length;
    expect(await create([visible, visible, visible])).toEqual({ data: { createManyComments: { count: 3 } } });
    const postReads = t.app.db.statements.log.slice(from).filter((sql) => /FROM\s+\S*["`]Post["`]/i.test(sql));
    expect(postReads).toHaveLength(1);
  });

  it('creates the rows of a nested create in one statement on PostgreSQL, each checked and recorded: a refused one leaves nothing', async () => {
    const events: { model: string; kind: string; row: Record<string, unknown> }[] = [];
    const stop = t.app.realtime.hub.listen((batch) => events.push(...batch.events));
    try {
      const mine = await post('mine');
      const create = (authors: User["id"][]) =>
        t.as(alice)('mutation($id: Int!, $c: [CommentCreateWithoutPostInput!]!) { updatePost(where: { id: $id }, data: { comments: { create: $c } }) { id } }', {
          id: mine,
          c: authors.map((authorId, i) => ({ body: `c${i}`, authorId })),
        });
      const before = await snapshot();
      expect(answer(await create([alice.id, 987_654, alice.id]))).toEqual({ code: 'NOT_FOUND', message: 'User not found' });
      expect(await snapshot()).toBe(before);

      const from = t.app.db.statements.log.length;
      expect(answer(await create([alice.id, bob.id, alice.id]))).toEqual({ code: 'ok' });
      const inserts = t.app.db.statements.log.slice(from).filter((sql) => /^\s*INSERT\s+INTO\s+\S*["`]Comment["`]/i.test(sql));
      expect(inserts).toHaveLength(provider === 'postgresql' ? 1 : 3);
      const rows = await t.prisma.comment.findMany({ where: { postId: mine }, orderBy: { id: 'asc' } });
      expect(rows.map((r: any) => [r.body, r.authorId])).toEqual([['c0', alice.id], ['c1', bob.id], ['c2', alice.id]]);
      await expect.poll(() => events.filter((e) => e.model === 'Comment').length).toBe(3);
      expect(events.filter((e) => e.model === 'Comment').map((e) => [e.kind, e.row.id, e.row.body])).toEqual(rows.map((r: any) => ['CREATED', r.id, r.body]));
    } finally {
      stop();
    }
  });

  it('lets the owner move a preset field on update when a field write rule says so', async () => {
    const profile = await t.prisma.profile.findUnique({ where: { userId: alice.id } });
    const result = await t.as(alice)('mutation($id: Int!, $to: Int!) { updateProfile(where: { id: $id }, data: { userId: $to }) { userId } }', { id: profile.id, to: loner });
    expect(result).toEqual({ data: { updateProfile: { userId: loner } } });
  });
});
