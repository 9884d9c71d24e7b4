import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/schema/cursor.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';
import { cases, type SideChannelCase, type Target } from './side-channel-cases.ts';
import { type Actor, type Seeded, seed } from './seed.ts';

const actors: Actor[] = ['anonymous', 'alice', 'bob', 'admin', 'service'];
const everything = (actor: Actor) => actor === 'admin' || actor === 'service';
const MISSING_ID = 999_999;

/** A target hidden from `actor` (for admin/service: the same row, which they may read), and one that does not exist. */
function targets(s: Seeded, actor: Actor, target: Target): { hidden: unknown; missing: unknown } {
  const other = actor === 'bob' ? 'alice' : 'bob';
  switch (target) {
    case 'email':
      return { hidden: `${other}@example.com`, missing: 'nobody@example.com' };
    case 'post':
      return { hidden: s.posts[`${other}Draft`], missing: MISSING_ID };
    case 'postCursor':
      return { hidden: encodeCursor({ id: s.posts[`${other}Draft`] }), missing: encodeCursor({ id: MISSING_ID }) };
    case 'comment':
      return { hidden: s.comments[`${actor === 'bob' ? 'bob' : 'alice'}On_${other}Draft`], missing: MISSING_ID };
    case 'commentCursor':
      return { hidden: encodeCursor({ id: s.comments[`${actor === 'bob' ? 'bob' : 'alice'}On_${other}Draft`] }), missing: encodeCursor({ id: MISSING_ID }) };
  }
}

const codes = (r: GraphQLResponse) => (r.errors ?? []).map((e) => e.extensions.code);

describe.each(providers)('side channels on %s', (provider) => {
  let t: TestApp;
  let s: Seeded;
  const stats = { cases: 0, refused: 0, answeredAsMissing: 0 };
  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true });
    s = await seed(t);
  });
  afterAll(async () => {
    console.log(`[side channels] ${provider}: ${stats.cases} cases, ${stats.refused} refused, ${stats.answeredAsMissing} hidden targets answered as missing`);
    await t.close();
  });

  const run = (c: SideChannelCase, actor: Actor, target: unknown) =>
    t.as(s.viewers[actor])(c.query, { target, me: actor in s.users ? s.users[actor as 'alice'] : -1 });

  describe.each(actors.filter((a) => !everything(a)))('as %s', (actor) => {
    it.each(cases.map((c) => [`${c.kind === 'row' ? 'a hidden row' : 'a guarded field'} as ${c.name}`, c] as const))(
      'answers %s exactly like a missing target',
      async (_label, c) => {
        const { hidden, missing } = targets(s, actor, c.target);
        const [forHidden, forMissing] = [await run(c, actor, hidden), await run(c, actor, missing)];
        expect(forHidden).toEqual(forMissing);
        stats.cases += 1;
        if (c.kind === 'key') {
          // Writes are refused to anonymous callers by the operation rules, before any argument is looked at.
          const expected = actor === 'anonymous' && c.write ? 'UNAUTHENTICATED' : 'FORBIDDEN';
          expect(codes(forHidden)).toEqual([expected]);
          expect(Object.values(forHidden.data ?? {}).every((v) => v === null)).toBe(true);
          stats.refused += 1;
        } else {
          if (!(actor === 'anonymous' && c.query.startsWith('mutation'))) expect(forHidden.errors).toBeUndefined();
          stats.answeredAsMissing += 1;
        }
      },
    );
  });

  describe.each(actors.filter(everything))('as %s (reads every row and field)', (actor) => {
    it.each(cases.filter((c) => !c.write).map((c) => [c.name, c] as const))('is not refused %s, and the target is really there', async (_label, c) => {
      const { hidden, missing } = targets(s, actor, c.target);
      const [forHidden, forMissing] = [await run(c, actor, hidden), await run(c, actor, missing)];
      expect(forHidden.errors).toBeUndefined();
      expect(forMissing.errors).toBeUndefined();
      // The control: the target the others are denied exists, so "the same answer" above is not an accident.
      if (c.kind === 'row') expect(forHidden.data).not.toEqual(forMissing.data);
      stats.cases += 1;
    });

    it('may look rows up by email in writes', async () => {
      const viewer = s.viewers[actor];
      const r = await t.as(viewer)('mutation { updateUser(where: { email: "bob@example.com" }, data: { name: "Bob" }) { id } upsertUser(where: { email: "alice@example.com" }, create: { email: "alice@example.com" }, update: { name: "Alice" }) { id } }');
      expect(r).toEqual({ data: { updateUser: { id: s.users.bob }, upsertUser: { id: s.users.alice } } });
      const missing = await t.as(viewer)('mutation { deleteUser(where: { email: "nobody@example.com" }) { id } }');
      expect(codes(missing)).toEqual(['NOT_FOUND']);
    });
  });

  it('still positions pages at a cursor the viewer may read (root, nested, connection)', async () => {
    const alice = t.as(s.viewers.alice);
    const order = '[{ title: desc }, { id: desc }]';
    const root = await alice(`{ posts(cursor: { id: ${s.posts.aliceDraft} }, orderBy: ${order}) { id } }`);
    // alice sees alice-pub, alice-draft, bob-pub; by title descending: bob-pub, alice-pub, alice-draft.
    expect(root.data.posts.map((p: any) => p.id)).toEqual([s.posts.aliceDraft]);
    const fromPub = await alice(`{ posts(cursor: { id: ${s.posts.alicePublished} }, orderBy: ${order}) { id } }`);
    expect(fromPub.data.posts.map((p: any) => p.id)).toEqual([s.posts.alicePublished, s.posts.aliceDraft]);
    const nested = await alice(`{ user(where: { id: ${s.users.alice} }) { posts(cursor: { id: ${s.posts.alicePublished} }, orderBy: ${order}) { id } } }`);
    expect(nested.data.user.posts.map((p: any) => p.id)).toEqual([s.posts.alicePublished, s.posts.aliceDraft]);
    const after = await alice(`query($c: String!) { postsConnection(first: 5, after: $c, orderBy: ${order}) { edges { node { id } } } }`, { c: encodeCursor({ id: s.posts.bobPublished }) });
    expect(after.data.postsConnection.edges.map((e: any) => e.node.id)).toEqual([s.posts.alicePublished, s.posts.aliceDraft]);
  });

  it('answers a cursor at a hidden or deleted row with an empty page that still points back', async () => {
    const r = await t.as(s.viewers.alice)('query($c: String!) { postsConnection(first: 2, after: $c) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }', { c: encodeCursor({ id: s.posts.bobDraft }) });
    expect(r.data.postsConnection).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null }, totalCount: 3 });
  });

  it('looks a root cursor up once, only for viewers whose rule limits rows, and refuses before any SQL', async () => {
    const query = `{ posts(cursor: { id: ${s.posts.alicePublished} }, orderBy: [{ title: desc }]) { id } }`;
    const statements = async (actor: Actor, q = query) => t.countStatements(() => t.as(s.viewers[actor])(q));
    expect(await statements('admin')).toBe(1);
    // The compiled read engine folds the cursor lookup into its one statement.
    expect(await statements('alice')).toBe(t.app.config.readEngine === 'off' ? 2 : 1);
    expect(await statements('alice', `{ posts(where: { id: { equals: ${s.posts.alicePublished} } }) { id } }`)).toBe(1);
    expect(await statements('alice', '{ user(where: { email: "bob@example.com" }) { id } }')).toBe(0);
    expect(await statements('alice', 'mutation { updateUser(where: { email: "bob@example.com" }, data: { name: "X" }) { id } }')).toBe(0);
  });

  it('refuses a guarded field over REST exactly as over GraphQL, for a taken and a free address', async () => {
    const get = async (email: string) => {
      const url = `http://127.0.0.1/rest/user?where=${encodeURIComponent(JSON.stringify({ email }))}`;
      const response = await t.app.yoga.fetch(url, {}, { viewer: s.viewers.alice });
      return { status: response.status, body: await response.json() };
    };
    const [taken, free] = [await get('bob@example.com'), await get('nobody@example.com')];
    expect(taken).toEqual(free);
    expect(JSON.stringify(taken.body)).toContain('FORBIDDEN');
  });
});
