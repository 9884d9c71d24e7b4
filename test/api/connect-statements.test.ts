import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Nested connects, disconnects and `set` check and write all their rows in a
 * constant number of statements per relation and level, whatever the number
 * of rows: a visibility read, a rule check where a rule limits rows, the write.
 */
describe.each(providers)('statements of nested connects on %s', (provider) => {
  let t: TestApp;
  let author: number;
  let tags: number[];
  let posts: number[];
  beforeAll(async () => {
    t = await createTestApp(provider);
    author = (await t.prisma.user.create({ data: { email: 'a@example.com' } })).id;
    tags = (await t.prisma.tag.createManyAndReturn({ data: Array.from({ length: 20 }, (_, i) => ({ name: `t${i}` })), select: { id: true } })).map((x: any) => x.id);
    posts = (await t.prisma.post.createManyAndReturn({ data: Array.from({ length: 20 }, (_, i) => ({ authorId: author, slug: `s${i}`, title: `T${i}` })), select: { id: true } })).map((x: any) => x.id);
  });
  afterAll(() => t.close());

  const count = async (query: string, variables: Record<string, unknown>) => {
    let errors: unknown;
    const n = await t.countStatements(async () => {
      errors = (await t.gql(query, variables)).errors;
    });
    expect(errors).toBeUndefined();
    return n;
  };

  it('connects 1, 10 or 20 tags to a post (implicit many-to-many) in the same number of statements', async () => {
    const query = 'mutation($p: Int!, $t: [TagWhereUniqueInput!]!) { updatePost(where: { id: $p }, data: { tags: { connect: $t } }) { id } }';
    const counts = [];
    for (const [i, n] of [1, 10, 20].entries()) counts.push(await count(query, { p: posts[i], t: tags.slice(0, n).map((id) => ({ id })) }));
    console.log(`[connect] ${provider}: tags.connect of 1, 10, 20 rows → ${counts.join(', ')} statements`);
    expect(new Set(counts).size).toBe(1);
  });

  it('moves 1, 10 or 20 posts to another user (foreign keys from the other side) in the same number of statements', async () => {
    const users = await t.prisma.user.createManyAndReturn({ data: [1, 2, 3].map((i) => ({ email: `u${i}@example.com` })), select: { id: true } });
    const query = 'mutation($u: Int!, $p: [PostWhereUniqueInput!]!) { updateUser(where: { id: $u }, data: { posts: { connect: $p } }) { id } }';
    const counts = [];
    for (const [i, n] of [1, 10, 20].entries()) counts.push(await count(query, { u: users[i].id, p: posts.slice(0, n).map((id) => ({ id })) }));
    console.log(`[connect] ${provider}: posts.connect of 1, 10, 20 rows → ${counts.join(', ')} statements`);
    expect(new Set(counts).size).toBe(1);
    expect(await t.prisma.post.count({ where: { authorId: users[2].id } })).toBe(20);
  });

  it('disconnects and sets 1, 10 or 20 tags in the same number of statements', async () => {
    const disconnect = 'mutation($p: Int!, $t: [TagWhereUniqueInput!]!) { updatePost(where: { id: $p }, data: { tags: { disconnect: $t } }) { id } }';
    const set = 'mutation($p: Int!, $t: [TagWhereUniqueInput!]!) { updatePost(where: { id: $p }, data: { tags: { set: $t } }) { id } }';
    const counts = [];
    for (const [i, n] of [1, 10, 20].entries()) counts.push(await count(set, { p: posts[i + 5], t: tags.slice(0, n).map((id) => ({ id })) }));
    for (const [i, n] of [1, 10, 20].entries()) counts.push(await count(disconnect, { p: posts[i + 5], t: tags.slice(0, n).map((id) => ({ id })) }));
    console.log(`[connect] ${provider}: tags.set then tags.disconnect of 1, 10, 20 rows → ${counts.join(', ')} statements`);
    expect(new Set(counts.slice(0, 3)).size).toBe(1);
    expect(new Set(counts.slice(3)).size).toBe(1);
  });
});
