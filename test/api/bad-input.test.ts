import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { toClientError } from '../../src/base/errors.ts';
import { createMaskError } from '../../src/server/mask-error.ts';
import type { TestDatabase } from '../support/databases.ts';
import { createRealtimeDatabase, type Instance, startInstance } from '../realtime/support/realtime-instance.ts';
import { wsClient } from '../realtime/support/ws-client.ts';

const NUL = 'a\u0000b';
const codes = (res: GraphQLResponse) => res.errors?.map((e) => e.extensions.code);

/**
 * Every place a client's value reaches the database, with a NUL character in
 * it: `$v` is the bad string, `$j` a JSON value holding it; `argument` is the
 * path the refusal must name. PostgreSQL cannot store or compare such a string,
 * SQLite can: both must refuse it the same way, before any SQL runs.
 */
const nulCases: { name: string; query: string; argument: string; of?: string; json?: unknown }[] = [
  { name: 'a root filter', query: 'query($v: String) { posts(where: { title: { equals: $v } }) { id } }', argument: 'where.title.equals' },
  { name: 'a root filter, as a literal', query: '{ posts(where: { title: { equals: "a\\u0000b" } }) { id } }', argument: 'where.title.equals' },
  { name: 'an item of an `in` list under OR', query: 'query($v: String!) { posts(where: { OR: [{ id: { equals: 1 } }, { slug: { in: ["x", $v] } }] }) { id } }', argument: 'where.OR[1].slug.in[1]' },
  { name: 'a relation filter', query: 'query($v: String) { posts(where: { author: { is: { email: { equals: $v } } } }) { id } }', argument: 'where.author.is.email.equals' },
  { name: 'a nested list `where`', query: 'query($v: String) { users { posts(where: { title: { contains: $v } }) { id } } }', argument: 'where.title.contains', of: 'User.posts' },
  { name: 'a unique lookup', query: 'query($v: String) { user(where: { email: $v }) { id } }', argument: 'where.email' },
  { name: 'a compound unique lookup', query: 'query($v: String!) { post(where: { authorId_slug: { authorId: 1, slug: $v } }) { id } }', argument: 'where.authorId_slug.slug' },
  { name: 'a connection', query: 'query($v: String) { postsConnection(where: { body: { startsWith: $v } }) { totalCount } }', argument: 'where.body.startsWith' },
  { name: 'a count', query: 'query($v: String) { postsCount(where: { title: { not: { equals: $v } } }) }', argument: 'where.title.not.equals' },
  { name: 'an aggregate', query: 'query($v: String) { postsAggregate(where: { title: { lt: $v } }) { _count { _all } } }', argument: 'where.title.lt' },
  { name: 'a groupBy', query: 'query($v: String) { postsGroupBy(by: [status], where: { slug: { gte: $v } }) { status } }', argument: 'where.slug.gte' },
  { name: 'a Json filter value', query: 'query($j: JSON) { posts(where: { metadata: { equals: $j } }) { id } }', argument: 'where.metadata.equals.k', json: { k: NUL } },
  { name: 'a Json path', query: 'query($v: String!) { posts(where: { metadata: { path: [$v], string_contains: "x" } }) { id } }', argument: 'where.metadata.path[0]' },
  { name: 'a create', query: 'mutation($v: String!, $a: Int) { createPost(data: { slug: "n", title: $v, authorId: $a }) { id } }', argument: 'data.title' },
  { name: 'a create, as a literal', query: 'mutation($a: Int) { createPost(data: { slug: "n", title: "a\\u0000b", authorId: $a }) { id } }', argument: 'data.title' },
  { name: 'a Json value in a create', query: 'mutation($j: JSON, $a: Int) { createPost(data: { slug: "j", title: "t", authorId: $a, metadata: $j }) { id } }', argument: 'data.metadata.list[1]', json: { list: ['ok', NUL] } },
  { name: 'a Json key in a create', query: 'mutation($j: JSON, $a: Int) { createPost(data: { slug: "k", title: "t", authorId: $a, metadata: $j }) { id } }', argument: 'data.metadata."a\\u0000b"', json: { [NUL]: 1 } },
  { name: 'an update', query: 'mutation($v: String, $p: Int) { updatePost(where: { id: $p }, data: { title: $v }) { id } }', argument: 'data.title' },
  { name: 'an update by a unique key holding it', query: 'mutation($v: String) { updateUser(where: { email: $v }, data: { name: "x" }) { id } }', argument: 'where.email' },
  { name: 'an upsert', query: 'mutation($v: String, $p: Int, $a: Int) { upsertPost(where: { id: $p }, create: { slug: "u", title: "t", authorId: $a }, update: { body: $v }) { id } }', argument: 'update.body' },
  { name: 'a createMany', query: 'mutation($v: String!, $a: Int!) { createManyPosts(data: [{ slug: "m1", title: "ok", authorId: $a }, { slug: "m2", title: $v, authorId: $a }]) { count } }', argument: 'data[1].title' },
  { name: 'an updateMany filter', query: 'mutation($v: String) { updateManyPosts(where: { title: { equals: $v } }, data: { body: "x" }) { count } }', argument: 'where.title.equals' },
  { name: 'an updateMany value', query: 'mutation($v: String) { updateManyPosts(data: { body: $v }) { count } }', argument: 'data.body' },
  { name: 'a delete', query: 'mutation($v: String!, $a: Int!) { deletePost(where: { authorId_slug: { authorId: $a, slug: $v } }) { id } }', argument: 'where.authorId_slug.slug' },
  { name: 'a deleteMany', query: 'mutation($v: String) { deleteManyPosts(where: { body: { endsWith: $v } }) { count } }', argument: 'where.body.endsWith' },
  { name: 'a nested create', query: 'mutation($v: String!, $a: Int) { updateUser(where: { id: $a }, data: { posts: { create: [{ slug: "nc", title: $v }] } }) { id } }', argument: 'data.posts.create[0].title' },
  { name: 'a nested update', query: 'mutation($v: String, $a: Int, $p: Int) { updateUser(where: { id: $a }, data: { posts: { update: [{ where: { id: $p }, data: { title: $v } }] } }) { id } }', argument: 'data.posts.update[0].data.title' },
  { name: 'a nested connect', query: 'mutation($v: String) { createPost(data: { slug: "c", title: "t", author: { connect: { email: $v } } }) { id } }', argument: 'data.author.connect.email' },
  { name: 'a nested connectOrCreate', query: 'mutation($v: String!) { createPost(data: { slug: "co", title: "t", author: { connectOrCreate: { where: { email: "new@example.com" }, create: { email: "new@example.com", name: $v } } } }) { id } }', argument: 'data.author.connectOrCreate.create.name' },
  { name: 'a nested updateMany', query: 'mutation($v: String, $a: Int) { updateUser(where: { id: $a }, data: { posts: { updateMany: [{ where: { title: { equals: "T" } }, data: { body: $v } }] } }) { id } }', argument: 'data.posts.updateMany[0].data.body' },
  { name: 'a subscription `where`', query: 'subscription($v: String) { postChanged(where: { title: { equals: $v } }) { kind } }', argument: 'where.title.equals' },
];

describe.each(providers)('bad input on %s', (provider) => {
  let t: TestApp;
  let author: { id: number };
  let post: { id: number };
  const snapshot = async () => ({
    posts: await t.prisma.post.findMany({ orderBy: { id: 'asc' } }),
    users: await t.prisma.user.findMany({ orderBy: { id: 'asc' } }),
  });

  const answers: GraphQLResponse[] = [];

  beforeAll(async () => {
    t = await createTestApp(provider);
    // Every answer of this block is kept, for the last test.
    const gql = t.gql;
    t.gql = async (...args) => {
      const res = await gql(...args);
      answers.push(res);
      return res;
    };
    author = await t.prisma.user.create({ data: { email: 'author@example.com' } });
    post = await t.prisma.post.create({ data: { slug: 'first', title: 'T', authorId: author.id, metadata: { k: 'v' } } });
  });
  afterAll(() => t.close());

  describe('a string holding the NUL character (U+0000)', () => {
    it.each(nulCases)('is refused in $name with BAD_USER_INPUT naming $argument, writing nothing', async ({ query, argument, of, json }) => {
      const before = await snapshot();
      const res = await t.gql(query, { v: NUL, j: json ?? null, a: author.id, p: post.id });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toBe(`Argument ${argument}${of ? ` of ${of}` : ''} must not contain the NUL character (U+0000)`);
      expect(res.errors![0].extensions.argument).toBe(argument);
      expect(await snapshot()).toEqual(before);
    });

    it('names the nested field whose argument holds it', async () => {
      const res = await t.gql('query($v: String) { users { posts(where: { title: { contains: $v } }) { id } } }', { v: NUL });
      expect(res.errors![0].message).toBe('Argument where.title.contains of User.posts must not contain the NUL character (U+0000)');
    });

    it('is refused as a signed-in user under the app rules too, as the issue reported it', async () => {
      const ruled = await createTestApp(provider, { rules: true });
      try {
        const user = await ruled.prisma.user.create({ data: { email: 'me@example.com' } });
        const viewer = { kind: 'user' as const, id: user.id, email: user.email, role: 'USER', sessionId: 'test' };
        const created = await ruled.as(viewer)('mutation($v: String!) { createPost(data: { slug: "n", title: $v }) { id } }', { v: NUL });
        expect(codes(created)).toEqual(['BAD_USER_INPUT']);
        expect(await ruled.prisma.post.count()).toBe(0);
        const read = await ruled.gql('query($v: String) { posts(where: { title: { equals: $v } }) { id } }', { v: NUL });
        expect(codes(read)).toEqual(['BAD_USER_INPUT']);
      } finally {
        await ruled.close();
      }
    });

    it('is refused, like a lone UTF-16 surrogate, wherever the NUL check looks', async () => {
      for (const [variables, argument] of [
        [{ v: 'x\ud800y' }, 'data.title'],
        [{ v: '\udc00' }, 'data.title'],
        [{ v: 'ok', j: { k: ['\ud83d'] } }, 'data.metadata.k[0]'],
      ] as const) {
        const res = await t.gql('mutation($v: String!, $j: JSON, $a: Int) { createPost(data: { slug: "ls", title: $v, metadata: $j, authorId: $a }) { id } }', { ...variables, a: author.id });
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0].message).toBe(`Argument ${argument} must not contain a lone UTF-16 surrogate (U+D800 to U+DFFF): send well-formed Unicode`);
      }
      expect(await t.prisma.post.count({ where: { slug: 'ls' } })).toBe(0);
    });

    it('leaves other control characters and non-ASCII text alone', async () => {
      const res = await t.gql('mutation($v: String!, $a: Int) { createPost(data: { slug: "ctl", title: $v, authorId: $a }) { title } }', { v: 'a\u0001\t\u00e9\u{1F600}', a: author.id });
      expect(res).toEqual({ data: { createPost: { title: 'a\u0001\t\u00e9\u{1F600}' } } });
      await t.prisma.post.deleteMany({ where: { slug: 'ctl' } });
    });
  });

  describe('a Decimal beyond what both databases can hold', () => {
    it('is refused by the scalar in a write, a filter and an atomic update, and Prisma keeps working', async () => {
      for (const [query, d] of [
        ['mutation($p: Int, $d: Decimal) { updatePost(where: { id: $p }, data: { rating: $d }) { id } }', '1e1000000000'],
        ['mutation($p: Int, $d: Decimal) { updatePost(where: { id: $p }, data: { rating: $d }) { id } }', '-1e309'],
        ['query($d: Decimal) { posts(where: { rating: { lt: $d } }) { id } }', '1e-400'],
        ['mutation($d: Decimal) { updateManyPosts(data: { _multiply: { rating: $d } }) { count } }', `${'9'.repeat(400)}`],
      ]) {
        const res = await t.gql(query, { p: post.id, d });
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0].message).toContain('Decimal must be 0 or between 1e-308 and 1e308 in magnitude');
      }
      expect((await t.gql('{ postsCount }')).data).toEqual({ postsCount: 1 });
    });

    it('is stored up to 1e308 on SQLite and refused past its column as BAD_USER_INPUT on PostgreSQL', async () => {
      const res = await t.gql('mutation($p: Int) { updatePost(where: { id: $p }, data: { rating: "1e40" }) { rating } }', { p: post.id });
      if (provider === 'postgresql') {
        expect(codes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0].message).toBe('A value is out of range for its column in Post');
      } else {
        expect(res).toEqual({ data: { updatePost: { rating: '1e+40' } } });
        await t.prisma.post.update({ where: { id: post.id }, data: { rating: 0 } });
      }
    });
  });

  describe('an atomic update past the range of an Int or BigInt column', () => {
    it.each([
      ['an Int increment', 'mutation($p: Int) { updatePost(where: { id: $p }, data: { _increment: { id: 2147483647 } }) { id } }'],
      ['an Int increment in an updateMany', 'mutation { updateManyPosts(data: { _increment: { id: 2147483647, views: "1" } }) { count } }'],
      ['a BigInt increment', 'mutation($p: Int) { updatePost(where: { id: $p }, data: { _increment: { views: "9223372036854775807" } }) { id } }'],
      ['a BigInt multiply below its minimum in an updateMany', 'mutation { updateManyPosts(data: { _multiply: { views: "-9223372036854775807" } }) { count } }'],
      ['a BigInt multiply in a nested update', 'mutation($a: Int, $p: Int) { updateUser(where: { id: $a }, data: { posts: { update: [{ where: { id: $p }, data: { _multiply: { views: "9223372036854775807" } } }] } }) { id } }'],
      ['a BigInt multiply in a nested updateMany', 'mutation($a: Int) { updateUser(where: { id: $a }, data: { posts: { updateMany: [{ where: {}, data: { _multiply: { views: "4611686018427387904" } } }] } }) { id } }'],
    ])('refuses %s with BAD_USER_INPUT on both databases, writing nothing', async (_name, query) => {
      await t.prisma.post.update({ where: { id: post.id }, data: { views: 10 } });
      const before = await snapshot();
      const res = await t.gql(query, { a: author.id, p: post.id });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toBe('A value is out of range for its column in Post');
      expect(await snapshot()).toEqual(before);
      expect((await t.gql('{ posts { id views } }')).errors).toBeUndefined();
    });

    it('runs one that stays in range', async () => {
      await t.prisma.post.update({ where: { id: post.id }, data: { views: 9223372036854775806n } });
      const res = await t.gql('mutation($p: Int) { updatePost(where: { id: $p }, data: { _increment: { views: "1" } }) { views } }', { p: post.id });
      expect(res).toEqual({ data: { updatePost: { views: '9223372036854775807' } } });
      await t.prisma.post.update({ where: { id: post.id }, data: { views: 0 } });
    });
  });

  describe('values the database itself refuses', () => {
    const refused = (reason: string) => ({ message: `A value was refused by the database: ${reason}`, extensions: { code: 'BAD_USER_INPUT' } });
    /** The client's view of what a Prisma call threw (it must throw). */
    const clientError = async (run: () => Promise<unknown>) => {
      const error = await run().then(() => undefined, (e: unknown) => e);
      expect(error).toBeDefined();
      const client = toClientError(error);
      return { message: client.message, extensions: client.extensions };
    };

    it('answers a unique value too large for its index (PostgreSQL 54000) with BAD_USER_INPUT, and SQLite stores it', async () => {
      // Random characters: PostgreSQL compresses a repetitive value below the ~2.7 kB index entry limit.
      const email = randomBytes(6000).toString('base64');
      const res = await t.gql('mutation($v: String!) { createUser(data: { email: $v }) { id } }', { v: email });
      if (provider === 'postgresql') {
        expect(res.errors).toEqual([expect.objectContaining(refused('a value is too large for the database'))]);
        expect(await t.prisma.user.count({ where: { email } })).toBe(0);
      } else {
        expect(res.errors).toBeUndefined();
        await t.prisma.user.deleteMany({ where: { email } });
      }
    });

    it('answers what Prisma itself refuses (more bound values than it sends in one statement) with BAD_USER_INPUT', async () => {
      // 33 lists of 1000 ids: within STRATA_MAX_INPUT_LIST and _VALUES, past SQLite's 32766 variables.
      const OR = Array.from({ length: 33 }, (_, i) => ({ id: { in: Array.from({ length: 1000 }, (_, j) => i * 1000 + j) } }));
      const res = await t.gql('query($w: PostWhereInput) { posts(where: $w) { id } }', { w: { OR } });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toBe('The query has more values than the database accepts in one statement');
    });

    if (provider === 'postgresql') {
      it('maps the data exceptions of PostgreSQL (class 22, 54) to BAD_USER_INPUT with a fixed reason', async () => {
        expect(await clientError(() => t.prisma.post.findMany({ where: { title: NUL } }))).toEqual(refused('a character the database encoding cannot store'));
        expect(await clientError(() => t.prisma.$queryRawUnsafe('SELECT 1 / 0'))).toEqual(refused('division by zero'));
        expect(await clientError(() => t.prisma.$queryRawUnsafe("SELECT '294277-01-01'::timestamp"))).toEqual(refused('date or time out of range'));
        expect(await clientError(() => t.prisma.$queryRawUnsafe("SELECT repeat('x', 1100000000)"))).toEqual(refused('a value is too large for the database'));
        expect(await clientError(() => t.prisma.$queryRawUnsafe("SELECT '{\"k\": \"\\u0000\"}'::jsonb"))).toEqual(refused('a character the database cannot store'));
      });
    } else {
      it('answers a LIKE pattern past SQLite\'s limit with BAD_USER_INPUT (reachable once STRATA_MAX_INPUT_STRING exceeds 16,666 characters of 3 bytes)', async () => {
        const wide = await createTestApp(provider, { env: { STRATA_MAX_INPUT_STRING: '60000' } });
        try {
          // SQLite checks the pattern when it first compares it: there must be a row.
          const user = await wide.prisma.user.create({ data: { email: 'like@example.com' } });
          await wide.prisma.post.create({ data: { slug: 'like', title: 'T', authorId: user.id } });
          const res = await wide.gql('query($v: String) { posts(where: { title: { contains: $v } }) { id } }', { v: '%_'.repeat(25_001) });
          expect(res.errors).toEqual([expect.objectContaining(refused('a text pattern is too complex'))]);
        } finally {
          await wide.close();
        }
      });

      it("maps SQLite's size limits to BAD_USER_INPUT with a fixed reason", async () => {
        const many = Array.from({ length: 33_000 }, (_, i) => i);
        expect(await clientError(() => t.prisma.$queryRawUnsafe(`SELECT 1 WHERE 1 IN (${many.map(() => '?').join(',')})`, ...many))).toEqual(refused('too many values in one statement'));
        expect(await clientError(() => t.prisma.$queryRawUnsafe('SELECT length(zeroblob(2000000000))'))).toEqual(refused('a value is too large for the database'));
      });
    }

    it('logs a refusal the database made at warn, and a failure at error', async () => {
      const lines: [string, string][] = [];
      const log = { warn: (_: unknown, msg: string) => lines.push(['warn', msg]), error: (_: unknown, msg: string) => lines.push(['error', msg]) } as unknown as Logger;
      const mask = createMaskError(log);
      const thrown = (run: () => Promise<unknown>) => run().then(() => undefined, (e: Error) => new GraphQLError(e.message, { path: ['x'], originalError: e }));
      const bad = provider === 'postgresql' ? () => t.prisma.post.findMany({ where: { title: NUL } }) : () => t.prisma.$queryRawUnsafe('SELECT length(zeroblob(2000000000))');
      expect((mask(await thrown(bad)) as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
      expect((mask(await thrown(() => t.prisma.$queryRawUnsafe('SELECT * FROM "NoSuchTable"'))) as GraphQLError).extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(lines).toEqual([
        ['warn', expect.stringMatching(/^database refused a value: /)],
        ['error', 'unexpected error'],
      ]);
    });

    it('still masks a database failure that is not about a value', async () => {
      expect(await clientError(() => t.prisma.$queryRawUnsafe('SELECT * FROM "NoSuchTable"'))).toEqual({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    });
  });

  it('answered no request of this file with INTERNAL_SERVER_ERROR', () => {
    expect(answers.length).toBeGreaterThan(50);
    expect(answers.flatMap((res) => res.errors ?? []).filter((e) => e.extensions.code === 'INTERNAL_SERVER_ERROR')).toEqual([]);
  });
});

describe.each(providers)('a NUL character in a subscription over graphql-ws on %s', (provider) => {
  let db: TestDatabase;
  let server: Instance;
  beforeAll(async () => {
    db = await createRealtimeDatabase(provider);
    server = await startInstance(db.url);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('fails that subscription with BAD_USER_INPUT naming the argument, and the connection goes on', async () => {
    const client = wsClient(server.wsUrl);
    try {
      const refused = await client.subscribe('subscription($v: String) { postChanged(where: { OR: [{ slug: { equals: "x" } }, { title: { contains: $v } }] }) { kind } }', { v: NUL }).next();
      expect(refused.errors).toEqual([expect.objectContaining({ message: 'Argument where.OR[1].title.contains must not contain the NUL character (U+0000)', extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
      expect((await client.subscribe('{ postsCount }').next()).data).toEqual({ postsCount: 0 });
    } finally {
      await client.dispose();
    }
  });
});

describe.each(providers)('bad input to the auth operations on %s', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true });
  });
  afterAll(() => t?.close());

  it.each([
    ['signUp', 'mutation($v: String!) { signUp(email: $v, password: "correct horse battery") { message } }', 'email'],
    ['signIn', 'mutation($v: String!) { signIn(email: $v, password: "correct horse battery") { token } }', 'email'],
    ['signIn (password)', 'mutation($v: String!) { signIn(email: "alice@example.com", password: $v) { token } }', 'password'],
    ['requestPasswordReset', 'mutation($v: String!) { requestPasswordReset(email: $v) }', 'email'],
  ])('refuses a NUL in %s naming the argument, before any SQL', async (_name, query, argument) => {
    const res = await t.gql(query, { v: `x${NUL}@example.com` });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0].extensions.argument).toBe(argument);
  });
});
