import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

function ok<T = any>(res: GraphQLResponse<T>): T {
  expect(res.errors).toBeUndefined();
  return res.data as T;
}

const USERS = 50;

describe.each(providers)('N+1 on %s', (provider) => {
  let t: TestApp;
  /** Statements for a read `depth` levels deep: PostgreSQL joins them into one (relationJoins); SQLite reads one per level. */
  const reads = (depth: number) => (provider === 'postgresql' ? 1 : depth);
  /** Runs one operation, returns its data and the SQL statements it issued, and logs the count for the record. */
  const measure = async (label: string, query: string, variables?: Record<string, unknown>) => {
    let res!: GraphQLResponse;
    const statements = await t.countStatements(async () => {
      res = await t.gql(query, variables);
    });
    console.log(`[n+1] ${provider}: ${label} → ${statements} SQL statements`);
    return { data: ok(res), statements };
  };

  beforeAll(async () => {
    // The general executor's statement pattern; the compiled lane's (1 per root field) is held by test/reads/compiled-reads.test.ts.
    t = await createTestApp(provider, { env: { STRATA_READ_ENGINE: 'off' } });
    // Bulk inserts keep the setup fast; the tests only read.
    const users = await t.prisma.user.createManyAndReturn({ data: Array.from({ length: USERS }, (_, u) => ({ email: `u${u}@example.com` })), select: { id: true } });
    const ids = users.map((u: { id: number }) => u.id).sort((a: number, b: number) => a - b);
    const posts = await t.prisma.post.createManyAndReturn({
      data: ids.flatMap((authorId: number) => [0, 1].map((p) => ({ authorId, slug: `p${p}`, title: `Post ${p}` }))),
      select: { id: true, authorId: true },
    });
    // Comments by the next user, so each author is a different row to load.
    const next = (id: number) => ids[(ids.indexOf(id) + 1) % USERS];
    await t.prisma.comment.createMany({
      data: posts.flatMap((p: { id: number; authorId: number }) => [0, 1].map((c) => ({ postId: p.id, body: `c${c}`, authorId: next(p.authorId) }))),
    });
  });
  afterAll(() => t.close());

  it('reads users → posts → comments → author (50 × 2 × 2) in one statement per level at most', async () => {
    const { data, statements } = await measure('users/posts/comments/author', '{ users { email posts { title comments { body author { email } } } } }');
    expect(data.users).toHaveLength(USERS);
    expect(data.users.flatMap((u: any) => u.posts)).toHaveLength(USERS * 2);
    expect(data.users.flatMap((u: any) => u.posts.flatMap((p: any) => p.comments))).toHaveLength(USERS * 4);
    expect(data.users[0].posts[0].comments[0].author.email).toBe('u1@example.com');
    expect(statements).toBe(reads(4));
  });

  it('keeps one statement per level when to-many fields take arguments and _count', async () => {
    const q = '{ users { posts(where: { slug: { equals: "p1" } }, orderBy: [{ id: desc }], take: 1) { comments(take: 1) { author { email } } _count { comments } } } }';
    const { data, statements } = await measure('users/posts(args)/comments(args)/author + _count', q);
    expect(data.users.every((u: any) => u.posts.length === 1 && u.posts[0].comments.length === 1 && u.posts[0]._count.comments === 2)).toBe(true);
    expect(statements).toBe(reads(4));
  });

  it('counts only the relations a query asks _count for', async () => {
    const { response, sql: statements } = await t.traced('{ posts(take: 3) { _count { comments } } }');
    expect(response.data.posts.every((p: any) => p._count.comments === 2)).toBe(true);
    const sql = statements.join('\n');
    expect(sql).toMatch(/[`"]Comment[`"]/);
    expect(sql).not.toMatch(/[`"](Tag|PostLike|File)[`"]/);
  });

  it('reads a connection → posts → comments in one statement per level at most, plus 1 for totalCount', async () => {
    const nested = '{ usersConnection { edges { node { posts { comments { body } } } } } }';
    const { data, statements } = await measure('usersConnection/edges/node/posts/comments', nested);
    expect(data.usersConnection.edges).toHaveLength(USERS);
    expect(data.usersConnection.edges[49].node.posts[1].comments).toHaveLength(2);
    expect(statements).toBe(reads(3));

    const counted = await measure('usersConnection … + totalCount', '{ usersConnection(first: 10) { totalCount edges { node { posts { comments { body } } } } } }');
    expect(counted.data.usersConnection.totalCount).toBe(USERS);
    expect(counted.statements).toBe(reads(3) + 1);
  });

  it('returns nested selections of a mutation with a statement count that does not grow with the rows', async () => {
    const q = `mutation($id: Int!, $name: String) {
      updateUser(where: { id: $id }, data: { name: $name }) { posts { comments { author { email posts { title } } } } }
    }`;
    const small = await t.prisma.user.findUnique({ where: { email: 'u0@example.com' } });
    const big = await t.prisma.user.create({
      data: {
        email: 'big@example.com',
        posts: { create: Array.from({ length: 10 }, (_, p) => ({ slug: `b${p}`, title: 'B', comments: { create: Array.from({ length: 5 }, () => ({ body: 'x', authorId: small.id })) } })) },
      },
    });
    const few = await measure('updateUser (2 posts × 2 comments) + 5 read levels', q, { id: small.id, name: 'small' });
    const many = await measure('updateUser (10 posts × 5 comments) + 5 read levels', q, { id: big.id, name: 'big' });
    expect(many.data.updateUser.posts.flatMap((p: any) => p.comments)).toHaveLength(50);
    expect(many.statements).toBe(few.statements);
    // The write (read the row, UPDATE: User has no update hook or trigger, so no transaction), then the read of user, posts, comments, authors, their posts.
    expect(few.statements).toBe(2 + reads(5));
  });

  it('creates and deletes with nested selections without a statement per child', async () => {
    const author = await t.prisma.user.findUnique({ where: { email: 'u2@example.com' } });
    const create = await measure(
      'createPost + author/posts/comments',
      'mutation($a: Int!) { createPost(data: { slug: "n1", title: "N", authorId: $a }) { author { posts { comments { author { email } } } } } }',
      { a: author.id },
    );
    expect(create.data.createPost.author.posts).toHaveLength(3);
    const removed = await measure(
      'deleteUser + posts/comments/author',
      'mutation($id: Int!) { deleteUser(where: { id: $id }) { posts { comments { author { email } } } } }',
      { id: author.id },
    );
    expect(removed.data.deleteUser.posts).toHaveLength(3);
    // The author the authorId points at (a connect), INSERT, the read of post, author, posts, comments, authors (before the commit), COMMIT.
    expect(create.statements).toBe(3 + reads(5));
    // The row is read with its selection before it goes (user, posts, comments, authors), then the row check; the rows the database
    // will cascade are read once per relation (6 point at User, 3 at Post), then DELETE and COMMIT. On PostgreSQL the row is
    // locked (SELECT ... FOR UPDATE) before the row check.
    expect(removed.statements).toBe(reads(4) + 1 + 9 + 2 + (provider === 'postgresql' ? 1 : 0));
  });
});
