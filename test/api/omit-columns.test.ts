import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Reads fetch only the columns a query asks for (plus ids): Prisma `omit`
 * for the rest, at the root and in every included relation. The answers
 * stay whole; a level with a field Strata does not know keeps every column.
 */
describe.each(providers)('columns a read fetches on %s', (provider) => {
  let t: TestApp;
  let postId: number;
  beforeAll(async () => {
    t = await createTestApp(provider);
    const author = await t.prisma.user.create({ data: { email: 'omit@example.com', name: 'Omit' } });
    const post = await t.prisma.post.create({
      data: { slug: 'omit', title: 'Omit', body: 'long body', rating: '4.5', views: 7, metadata: { a: 1 }, authorId: author.id },
    });
    postId = post.id;
    await t.prisma.comment.create({ data: { body: 'hi', postId, authorId: author.id } });
  });
  afterAll(() => t.close());

  /** Runs a query; returns its data and the SQL it sent. */
  const run = async (query: string) => {
    const { response, sql } = await t.traced(query);
    expect(response.errors).toBeUndefined();
    return { data: response.data, sql: sql.join('\n') };
  };
  const column = (name: string) => new RegExp(`[\`"]${name}[\`"]`);

  it.each([
    ['a list of two fields', '{ posts { id title } }', ['title'], ['metadata', 'rating', 'views', 'slug']],
    ['a single row through a fragment', 'query { post(where: { id: $ID }) { ...P } } fragment P on Post { slug views }', ['slug', 'views'], ['metadata', 'rating', 'title']],
    ['a field under @include(if: false)', '{ posts { id title @include(if: false) slug } }', ['slug'], ['title', 'metadata']],
    ['a nested to-many level', '{ users { posts { title } } }', ['title'], ['metadata', 'rating']],
    ['a column the API never shows (the password hash)', '{ users { email } }', ['email'], ['passwordHash']],
    ['a connection', '{ postsConnection(first: 5) { edges { node { rating } } totalCount } }', ['rating'], ['metadata', 'views', 'slug']],
    ['a to-one parent of a comment', '{ comments { post { slug } } }', ['slug'], ['metadata', 'rating']],
    ['_count only', '{ posts { _count { comments } } }', [], ['metadata', 'rating', 'title']],
  ])('%s', async (_label, query, present, absent) => {
    const { data, sql } = await run(query.replace('$ID', String(postId)));
    expect(data).toBeTruthy();
    for (const name of present) expect(sql).toMatch(column(name));
    for (const name of absent) expect(sql).not.toMatch(column(name));
  });

  it('returns the asked fields whole, aliases and __typename included', async () => {
    const { data } = await run(`{ posts { __typename id t: title body rating views metadata author { name } } }`);
    expect(data.posts).toEqual([{ __typename: 'Post', id: postId, t: 'Omit', body: 'long body', rating: '4.5', views: '7', metadata: { a: 1 }, author: { name: 'Omit' } }]);
  });

  it('keeps the columns a list is made distinct by', async () => {
    const authorId = (await t.prisma.user.findFirst()).id;
    await t.prisma.post.createMany({ data: ['omit-2', 'omit-3'].map((slug) => ({ slug, title: 'Other', authorId })) });
    // Three posts, two titles.
    const { data } = await run('{ posts(distinct: [title], orderBy: [{ title: asc }]) { id } }');
    expect(data.posts).toHaveLength(2);
  });

  it('reads a mutation result back with the asked columns only', async () => {
    const { response, sql } = await t.traced(`mutation { updatePost(where: { id: ${postId} }, data: { views: "8" }) { views author { name } } }`);
    expect(response.data.updatePost).toEqual({ views: '8', author: { name: 'Omit' } });
    const readBack = sql.slice(sql.findIndex((q) => /^\s*UPDATE/i.test(q)) + 1).join('\n');
    expect(readBack).toMatch(column('views'));
    expect(readBack).not.toMatch(column('metadata'));
  });

  it('keeps every column of a level with a field it does not know', async () => {
    // `attachments { url }` is storage's field, which reads any column of the file; the Post level above still omits.
    const { sql } = await run('{ posts { title attachments { id url } } }');
    expect(sql).toMatch(column('bucket'));
    expect(sql).not.toMatch(column('rating'));
  });
});
