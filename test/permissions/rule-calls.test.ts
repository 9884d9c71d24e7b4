import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { ruleCalls } from './fixtures/counting-app/rules.ts';
import { type Seeded, seed } from './seed.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/counting-app');

/**
 * A rule sees only the viewer, so it runs once per request, however many
 * rows, fields and levels ask it; and a field rule the loaded row already
 * answers (`email` on your own row: `{ id: viewer.id }`) costs no SQL.
 */
describe.each(providers)('rule evaluations per request on %s', (provider) => {
  let t: TestApp;
  let s: Seeded;
  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true, env: { STRATA_APP_DIR: appDir } });
    s = await seed(t);
    const author = s.users.alice;
    await t.prisma.post.createMany({ data: Array.from({ length: 56 }, (_, i) => ({ authorId: author, slug: `many-${i}`, title: `Many ${i}`, published: i % 2 === 0 })) });
  });
  beforeEach(() => {
    for (const key of Object.keys(ruleCalls)) delete ruleCalls[key];
  });
  afterAll(() => t.close());

  it('runs each read rule and field rule once for 50 posts, their authors and comments', async () => {
    const result = await t.as(s.viewers.alice)('{ posts(take: 50) { id title author { id name email } comments { id } } users { email } }');
    expect(result.errors).toBeUndefined();
    expect(result.data.posts).toHaveLength(50);
    expect(result.data.posts.filter((p: any) => p.author.email === 'alice@example.com').length).toBeGreaterThan(40);
    expect(result.data.users.map((u: any) => u.email).filter(Boolean)).toEqual(['alice@example.com']);
    expect(ruleCalls).toEqual({ 'Post.read': 1, 'User.read': 1, 'User.email': 1, 'Comment.read': 1 });
  });

  it('decides a field rule on the loaded row: reading email costs no statement', async () => {
    const count = (query: string) => t.countStatements(() => t.as(s.viewers.bob)(query));
    const without = await count('{ posts(take: 60) { id author { id name } } }');
    const withEmail = await count('{ posts(take: 60) { id author { id name email } } }');
    expect(withEmail).toBe(without);
  });
});
