import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

const codes = (res: GraphQLResponse) => res.errors?.map((e) => e.extensions.code);

/** What must never reach a client: SQL, driver text, stack frames, Prisma's own messages, file paths. */
const leaks: [string, RegExp][] = [
  ['SQL', /\b(select|insert|update|delete)\b[^"]*\b(from|into|set|where)\b|violates|constraint "/i],
  ['a stack trace', /\n\s+at |\bat [\w.<>]+ \(|:\d+:\d+\)/],
  ['Prisma', /prisma/i],
  ["Prisma's invocation text", /Invalid `/],
  ['a file path', /\/(work|home|tmp|usr|var)\/|node_modules|\.[cm]?[jt]s\b|file:\/\//],
];

describe.each(providers)('errors on %s', (provider) => {
  let t: TestApp;
  let author: { id: number; email: string };
  const scanned: string[] = [];
  /** Runs an operation and checks any error response for leaks before returning it. */
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const res = await t.gql(query, variables);
    if (res.errors) {
      const text = JSON.stringify(res);
      for (const [what, pattern] of leaks) expect(text, `response leaks ${what}`).not.toMatch(pattern);
      scanned.push(text);
    }
    return res;
  };
  /** A raw request to the GraphQL endpoint; the body of any response is scanned too. */
  const request = async (init: RequestInit, query = '') => {
    const response = await t.app.yoga.fetch(`http://127.0.0.1/graphql${query}`, init);
    const body = await response.text();
    for (const [what, pattern] of leaks) expect(body, `response leaks ${what}`).not.toMatch(pattern);
    return { status: response.status, body: JSON.parse(body) as GraphQLResponse };
  };

  beforeAll(async () => {
    t = await createTestApp(provider, { env: { STRATA_MAX_DEPTH: '4', STRATA_MAX_ALIASES: '3' } });
    author = await t.prisma.user.create({ data: { email: 'taken@example.com', posts: { create: [{ slug: 'taken', title: 'T' }] } } });
  });
  afterAll(() => t.close());

  describe('database errors', () => {
    it('answers a unique violation with CONFLICT naming the field (email)', async () => {
      const res = await gql('mutation { createUser(data: { email: "taken@example.com" }) { id } }');
      expect(codes(res)).toEqual(['CONFLICT']);
      expect(res.errors![0].message).toBe('A User with the same value on email already exists');
      expect(res.errors![0].extensions.fields).toEqual(['email']);
      expect(res.data).toBeNull();
    });

    it('answers a compound unique violation with CONFLICT naming both fields', async () => {
      const res = await gql('mutation($a: Int!) { createPost(data: { slug: "taken", title: "x", authorId: $a }) { id } }', { a: author.id });
      expect(codes(res)).toEqual(['CONFLICT']);
      expect(res.errors![0].extensions.fields).toEqual(['authorId', 'slug']);
    });

    it('answers an update, a delete or a nested update of a missing row with NOT_FOUND', async () => {
      for (const q of [
        'mutation { updateUser(where: { id: 999999 }, data: { name: "x" }) { id } }',
        'mutation { deleteUser(where: { email: "nobody@example.com" }) { id } }',
        'mutation { deletePostLike(where: { userId_postId: { userId: 1, postId: 999999 } }) { userId } }',
        `mutation { updateUser(where: { id: ${author.id} }, data: { posts: { update: [{ where: { id: 999999 }, data: { title: "x" } }] } }) { id } }`,
        'mutation { createPost(data: { slug: "s", title: "x", author: { connect: { id: 999999 } } }) { id } }',
      ]) {
        const res = await gql(q);
        expect(codes(res)).toEqual(['NOT_FOUND']);
        expect(res.errors![0].message).toMatch(/^(User|Post|PostLike) not found$/);
      }
    });

    it('answers a foreign key to a missing row with NOT_FOUND, like a connect (checked before the write)', async () => {
      const res = await gql('mutation { createPost(data: { slug: "fk", title: "x", authorId: 999999 }) { id } }');
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(res.errors![0].message).toBe('User not found');
    });

    it('answers a value out of its column range with BAD_USER_INPUT', async () => {
      // 32-bit Int columns: the GraphQL Int scalar already refuses larger values.
      const res = await gql('mutation { createPost(data: { slug: "big", title: "x", authorId: 2147483648 }) { id } }');
      expect(codes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      if (provider === 'postgresql') {
        await t.prisma.post.create({ data: { slug: 'huge', title: 'x', authorId: author.id, views: 9223372036854775800n } });
        const overflow = await gql('mutation { updateManyPosts(where: { slug: { equals: "huge" } }, data: { _increment: { views: "100" } }) { count } }');
        expect(codes(overflow)).toEqual(['BAD_USER_INPUT']);
        expect(overflow.errors![0].message).toBe('A value is out of range for its column in Post');
      }
    });
  });

  if (provider === 'sqlite') {
    it('answers an atomic BigInt overflow with BAD_USER_INPUT on SQLite too (SQLite itself would store a REAL)', async () => {
      await t.prisma.post.create({ data: { slug: 'huge', title: 'x', authorId: author.id, views: 9223372036854775800n } });
      const overflow = await gql('mutation { updateManyPosts(where: { slug: { equals: "huge" } }, data: { _increment: { views: "100" } }) { count } }');
      expect(codes(overflow)).toEqual(['BAD_USER_INPUT']);
      expect(overflow.errors![0].message).toBe('A value is out of range for its column in Post');
      expect((await t.prisma.post.findFirst({ where: { slug: 'huge' } }))!.views).toBe(9223372036854775800n);
    });
  }

  describe('GraphQL errors', () => {
    it('rejects an unknown field, argument or input field as a validation error, before running anything', async () => {
      for (const q of ['{ users { nope } }', '{ users(nope: 1) { id } }', '{ users(where: { nope: { equals: 1 } }) { id } }', 'mutation { createUser(data: { email: "x@example.com", nope: 1 }) { id } }']) {
        const res = await gql(q);
        expect(res.data).toBeUndefined();
        expect(codes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
        expect(res.errors![0].message).toContain('nope');
      }
      expect(await t.prisma.user.count({ where: { email: 'x@example.com' } })).toBe(0);
    });

    it('rejects a syntax error with GRAPHQL_PARSE_FAILED', async () => {
      expect(codes(await gql('{ users { '))).toEqual(['GRAPHQL_PARSE_FAILED']);
    });

    it('rejects a variable of the wrong type with BAD_USER_INPUT', async () => {
      const res = await gql('query($id: Int!) { user(where: { id: $id }) { id } }', { id: 'one' });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toContain('$id');
    });
  });

  describe('query limits', () => {
    it('runs a query at STRATA_MAX_DEPTH (4)', async () => {
      const res = await gql('{ users { posts { comments { body } } } }');
      expect(res.errors).toBeUndefined();
    });

    it('rejects a query deeper than STRATA_MAX_DEPTH, fragments included, with BAD_USER_INPUT', async () => {
      for (const q of [
        '{ users { posts { comments { author { email } } } } }',
        'fragment C on Comment { author { email } } { users { posts { comments { ...C } } } }',
      ]) {
        const res = await gql(q);
        expect(res.data).toBeUndefined();
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0].message).toContain('depth limit of 4 exceeded, found 5');
      }
    });

    it('does not count introspection against the depth limit', async () => {
      const res = await gql('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }');
      expect(res.errors).toBeUndefined();
    });

    it('runs STRATA_MAX_ALIASES (3) aliases and rejects one more with BAD_USER_INPUT', async () => {
      expect((await gql('{ a: usersCount b: usersCount c: usersCount }')).errors).toBeUndefined();
      const res = await gql('{ a: usersCount b: usersCount c: usersCount d: usersCount }');
      expect(res.data).toBeUndefined();
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toContain('Aliases limit of 3 exceeded, found 4');
    });
  });

  describe('CSRF prevention', () => {
    const body = JSON.stringify({ query: '{ usersCount }' });

    it('rejects a multipart/form-data POST without a preflight header with FORBIDDEN', async () => {
      const form = new FormData();
      form.set('operations', body);
      form.set('map', '{}');
      const res = await request({ method: 'POST', body: form });
      expect(res.status).toBe(403);
      expect(codes(res.body)).toEqual(['FORBIDDEN']);
    });

    it('rejects a text/plain POST without a preflight header with FORBIDDEN', async () => {
      const res = await request({ method: 'POST', headers: { 'content-type': 'text/plain' }, body });
      expect(res.status).toBe(403);
      expect(codes(res.body)).toEqual(['FORBIDDEN']);
    });

    it('rejects a GET without a preflight header with FORBIDDEN, and runs it with one', async () => {
      const query = `?query=${encodeURIComponent('{ usersCount }')}`;
      const bare = await request({ method: 'GET' }, query);
      expect(bare.status).toBe(403);
      expect(codes(bare.body)).toEqual(['FORBIDDEN']);
      const preflighted = await request({ method: 'GET', headers: { 'x-graphql-yoga-csrf': '1' } }, query);
      expect(preflighted).toEqual({ status: 200, body: { data: { usersCount: 1 } } });
    });

    it('runs a JSON POST, which browsers must preflight, without any extra header', async () => {
      expect(await request({ method: 'POST', headers: { 'content-type': 'application/json' }, body })).toEqual({ status: 200, body: { data: { usersCount: 1 } } });
    });
  });

  describe('masking', () => {
    it('masks an unexpected database failure as INTERNAL_SERVER_ERROR with a generic message', async () => {
      await t.prisma.$executeRawUnsafe('ALTER TABLE "Tag" RENAME TO "TagGone"');
      try {
        const res = await gql('{ tags { id } }');
        expect(res.errors).toEqual([expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
      } finally {
        await t.prisma.$executeRawUnsafe('ALTER TABLE "TagGone" RENAME TO "Tag"');
      }
    });

    it('scanned every error response of this file for leaks', () => {
      expect(scanned.length).toBeGreaterThanOrEqual(18);
    });
  });
});
