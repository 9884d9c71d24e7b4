import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { type Actor, type Seeded, seed, visiblePosts } from './seed.ts';

const actors: Actor[] = ['anonymous', 'alice', 'bob', 'admin', 'service'];
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

/** Every read path a post or comment can be reached by, with how to pull ids out of the answer. */
const postPaths: [string, string, (data: any) => number[]][] = [
  ['top-level list', '{ posts { id } }', (d) => d.posts.map((p: any) => p.id)],
  ['connection', '{ postsConnection(first: 50) { edges { node { id } } } }', (d) => d.postsConnection.edges.map((e: any) => e.node.id)],
  ['nested to-many (users.posts)', '{ users { posts { id } } }', (d) => d.users.flatMap((u: any) => u.posts.map((p: any) => p.id))],
  ['nested to-one (postLikes.post)', '{ postLikes { post { id } } }', (d) => d.postLikes.map((l: any) => l.post?.id).filter(Boolean)],
  ['nested to-one (tags.posts)', '{ tags { posts { id } } }', (d) => d.tags.flatMap((t: any) => t.posts.map((p: any) => p.id))],
  ['filter side channel (users where posts some)', '{ users(where: { posts: { some: { published: { equals: false } } } }) { posts(where: { published: { equals: false } }) { id } } }', (d) => d.users.flatMap((u: any) => u.posts.map((p: any) => p.id))],
];

describe.each(providers)('read permissions on %s', (provider) => {
  let t: TestApp;
  let s: Seeded;
  const stats = { cases: 0, shown: 0, withheld: 0 };
  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true });
    s = await seed(t);
  });
  afterAll(async () => {
    console.log(`[permission matrix] reads on ${provider}: ${stats.cases} cases, ${stats.shown} rows or fields shown, ${stats.withheld} withheld, 0 foreign`);
    await t.close();
  });

  describe.each(actors)('as %s', (actor) => {
    it.each(postPaths)('returns exactly the visible posts through %s (no foreign rows)', async (_path, query, ids) => {
      const result = await t.as(s.viewers[actor])(query);
      expect(result.errors).toBeUndefined();
      const seen = new Set(ids(result.data));
      const expected = new Set(visiblePosts(s, actor));
      const foreign = [...seen].filter((id) => !expected.has(id));
      stats.cases += 1;
      stats.shown += seen.size;
      stats.withheld += Object.keys(s.posts).length - seen.size;
      expect(foreign).toEqual([]);
    });

    it('counts, aggregates and groups only visible posts', async () => {
      const result = await t.as(s.viewers[actor])('{ postsCount postsConnection { totalCount } postsAggregate { _count { _all } } postsGroupBy(by: [published]) { published _count { _all } } }');
      const n = visiblePosts(s, actor).length;
      expect(result.data.postsCount).toBe(n);
      expect(result.data.postsConnection.totalCount).toBe(n);
      expect(result.data.postsAggregate._count._all).toBe(n);
      expect(result.data.postsGroupBy.reduce((sum: number, g: any) => sum + g._count._all, 0)).toBe(n);
      stats.cases += 4;
    });

    it('finds a hidden post by id as null, like a missing one', async () => {
      for (const id of Object.values(s.posts)) {
        const result = await t.as(s.viewers[actor])('query($id: Int!) { post(where: { id: $id }) { id } }', { id });
        const visible = visiblePosts(s, actor).includes(id);
        expect(result.data.post?.id ?? null).toBe(visible ? id : null);
        stats.cases += 1;
        visible ? stats.shown++ : stats.withheld++;
      }
    });

    it('shows comments only on visible posts, directly, nested and in _count', async () => {
      const result = await t.as(s.viewers[actor])('{ comments { id post { id } } posts { id _count { comments } } users { _count { posts } } }');
      const visible = new Set(visiblePosts(s, actor));
      expect(result.data.comments.every((c: any) => visible.has(c.post.id))).toBe(true);
      expect(result.data.comments).toHaveLength(visible.size * 2);
      expect(result.data.posts.every((p: any) => p._count.comments === 2)).toBe(true);
      const postCounts = result.data.users.reduce((sum: number, u: any) => sum + u._count.posts, 0);
      expect(postCounts).toBe(visible.size);
      stats.cases += 3;
    });

    it('shows an email only to its owner and admins, and refuses to filter or order by it otherwise', async () => {
      const result = await t.as(s.viewers[actor])('{ users(orderBy: [{ id: asc }]) { id email } }');
      for (const user of result.data.users) {
        const own = actor !== 'anonymous' && actor !== 'service' && s.users[actor] === user.id;
        const expected = actor === 'admin' || actor === 'service' || own;
        expect(user.email !== null).toBe(expected);
        stats.cases += 1;
        expected ? stats.shown++ : stats.withheld++;
      }
      // Refused even for Bob: the rule lets him read his own address, not everyone's (see side-channels.test.ts).
      const filter = await t.as(s.viewers[actor])('{ users(where: { email: { startsWith: "bob" } }) { id } }');
      if (actor === 'admin' || actor === 'service') expect(filter.data.users.map((u: any) => u.id)).toEqual([s.users.bob]);
      else expect(filter.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const order = await t.as(s.viewers[actor])('{ users(orderBy: [{ email: asc }]) { id } }');
      if (actor === 'admin' || actor === 'service') expect(order.errors).toBeUndefined();
      else expect(order.errors?.[0].extensions.code).toBe('FORBIDDEN');
      stats.cases += 2;
    });
  });

  // Ordering by a relation sorts by rows the rules may hide: only allowed when every related row is readable.
  const relationOrders: [string, string, (actor: Actor) => boolean][] = [
    ['to-one fields of a model everyone reads (posts by author name)', '{ posts(orderBy: [{ author: { name: asc } }]) { id } }', () => true],
    ['a guarded field through a to-one relation (posts by author email)', '{ posts(orderBy: [{ author: { email: asc } }]) { id } }', (a) => a === 'admin' || a === 'service'],
    ['the _count of a to-many relation with hidden rows (users by post count)', '{ users(orderBy: [{ posts: { _count: desc } }]) { id } }', (a) => a === 'admin' || a === 'service'],
    ['the same, on a nested list (users.posts by comment count)', '{ users { posts(orderBy: [{ comments: { _count: desc } }]) { id } } }', (a) => a === 'admin' || a === 'service'],
    ['the _count of a to-many relation everyone reads (posts by like count)', '{ posts(orderBy: [{ likes: { _count: desc } }]) { id } }', () => true],
  ];
  describe.each(actors)('as %s, ordering by', (actor) => {
    it.each(relationOrders)('%s', async (_label, query, allowed) => {
      const result = await t.as(s.viewers[actor])(query);
      if (allowed(actor)) expect(result.errors).toBeUndefined();
      else expect(result.errors?.[0].extensions.code).toBe('FORBIDDEN');
      stats.cases += 1;
    });
  });

  it('keeps models without rules for admins only', async () => {
    // Every model of the example has rules; the deny-by-default path is covered with a rule-less schema in rules.test.ts.
    expect(sorted(visiblePosts(s, 'service'))).toEqual(sorted(Object.values(s.posts)));
  });
});
