import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/app');
const hookLog = ((globalThis as Record<symbol, unknown>)[Symbol.for('strata.test.hookLog')] ??= []) as string[];

interface Scenario {
  name: string;
  /** Who runs it. @default admin */
  as?: 'admin' | 'anonymous' | 'alice';
  query: string;
  variables?: (ids: Ids) => Record<string, unknown>;
  /** The hooks that fired, in order. */
  hooks: string[];
  /** The expected error, if the write must fail. */
  error?: { code: string; field?: string; message?: string };
  /** Checks on the database afterwards. */
  rows?: (t: TestApp, ids: Ids) => Promise<void>;
}

interface Ids {
  alice: number;
  commenter: number;
}

const CREATE_USER = `mutation($d: UserCreateInput!) { createUser(data: $d) { email posts(orderBy: [{ id: asc }]) { slug title comments { body } } } }`;

const scenarios: Scenario[] = [
  {
    name: 'a nested createUser with posts with comments runs validate → before → write per row, depth first, then after-hooks in write order',
    query: CREATE_USER,
    variables: ({ commenter }) => ({
      d: {
        email: 'nested@example.com',
        posts: {
          create: [
            { slug: 'p1', title: 'P1', comments: { create: [{ body: 'c1', author: { connect: { id: commenter } } }, { body: 'c2', author: { connect: { id: commenter } } }] } },
            { slug: 'p2', title: 'P2' },
          ],
        },
      },
    }),
    hooks: [
      'User.validate create nested@example.com',
      'User.beforeCreate nested@example.com',
      'Post.validate create P1',
      'Post.beforeCreate P1 (author row visible)',
      'Comment.validate c1',
      'Comment.beforeCreate c1',
      'Comment.validate c2',
      'Comment.beforeCreate c2',
      'Post.validate create P2',
      'Post.beforeCreate P2 (author row visible)',
      'User.afterCreate nested@example.com',
      'Post.afterCreate P1',
      'Comment.afterCreate c1',
      'Comment.afterCreate c2',
      'Post.afterCreate P2',
    ],
    rows: async (t) => {
      const user = await t.prisma.user.findUnique({ where: { email: 'nested@example.com' }, include: { posts: { include: { comments: true } } } });
      expect(user.posts.flatMap((p: any) => p.comments)).toHaveLength(2);
    },
  },
  {
    name: 'a validate rejection deep in a nested write answers BAD_USER_INPUT naming the field, rolls every row back (also what a hook wrote) and runs no after-hook',
    query: CREATE_USER,
    variables: ({ commenter }) => ({
      d: {
        email: 'rolled-back@example.com',
        posts: {
          create: [
            { slug: 'r1', title: 'R1', comments: { create: [{ body: 'with-tag', author: { connect: { id: commenter } } }, { body: 'invalid', author: { connect: { id: commenter } } }] } },
          ],
        },
      },
    }),
    hooks: [
      'User.validate create rolled-back@example.com',
      'User.beforeCreate rolled-back@example.com',
      'Post.validate create R1',
      'Post.beforeCreate R1 (author row visible)',
      'Comment.validate with-tag',
      'Comment.beforeCreate with-tag',
      'Comment.validate invalid',
    ],
    error: { code: 'BAD_USER_INPUT', field: 'body', message: 'Comment body "invalid" is not allowed' },
    rows: async (t) => {
      expect(await t.prisma.user.count({ where: { email: 'rolled-back@example.com' } })).toBe(0);
      expect(await t.prisma.post.count({ where: { slug: 'r1' } })).toBe(0);
      expect(await t.prisma.tag.count({ where: { name: { startsWith: 'tag-of-' } } })).toBe(0);
      expect(await t.prisma.strataOutbox.count()).toBe(0);
    },
  },
  {
    name: 'a hook throwing a plain Error fails the write as INTERNAL_SERVER_ERROR without its message',
    query: 'mutation($a: Int!) { createPost(data: { slug: "c", title: "crash", authorId: $a }) { id } }',
    variables: ({ alice }) => ({ a: alice }),
    hooks: ['Post.validate create crash'],
    error: { code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' },
    rows: async (t) => expect(await t.prisma.post.count({ where: { slug: 'c' } })).toBe(0),
  },
  {
    name: 'a before-hook changes the input (slug derived from the title)',
    query: 'mutation($a: Int!) { createPost(data: { slug: "auto", title: "Hello Hooks", authorId: $a }) { slug } }',
    variables: ({ alice }) => ({ a: alice }),
    hooks: ['Post.validate create Hello Hooks', 'Post.beforeCreate Hello Hooks (author row visible)', 'Post.afterCreate Hello Hooks'],
    rows: async (t) => expect(await t.prisma.post.count({ where: { slug: 'hello-hooks' } })).toBe(1),
  },
  {
    name: 'a throwing after-hook cannot undo the committed write, and the client sees neither an error nor its message',
    query: 'mutation($a: Int!) { createPost(data: { slug: "ac", title: "after-crash", authorId: $a }) { slug } }',
    variables: ({ alice }) => ({ a: alice }),
    hooks: ['Post.validate create after-crash', 'Post.beforeCreate after-crash (author row visible)', 'Post.afterCreate after-crash'],
    rows: async (t) => expect(await t.prisma.post.count({ where: { slug: 'ac' } })).toBe(1),
  },
  {
    name: 'createManyPosts runs the hooks of every row',
    query: `mutation($a: Int!) {
      createManyPosts(data: [{ slug: "m1", title: "M1", authorId: $a }, { slug: "m2", title: "M2", authorId: $a }, { slug: "protected", title: "P", authorId: $a }]) { count }
    }`,
    variables: ({ alice }) => ({ a: alice }),
    hooks: [
      'Post.validate create M1',
      'Post.beforeCreate M1 (author row visible)',
      'Post.validate create M2',
      'Post.beforeCreate M2 (author row visible)',
      'Post.validate create P',
      'Post.beforeCreate P (author row visible)',
      'Post.afterCreate M1',
      'Post.afterCreate M2',
      'Post.afterCreate P',
    ],
  },
  {
    name: 'updateManyPosts runs beforeUpdate per row, each changing its own row differently',
    query: 'mutation { updateManyPosts(where: { slug: { in: ["m1", "m2"] } }, data: { title: "stamp" }) { count } }',
    hooks: [
      'Post.validate update stamp',
      'Post.beforeUpdate m1',
      'Post.validate update stamp',
      'Post.beforeUpdate m2',
      'Post.afterUpdate M1 -> m1-stamped',
      'Post.afterUpdate M2 -> m2-stamped',
    ],
    rows: async (t) => {
      const titles = (await t.prisma.post.findMany({ where: { slug: { in: ['m1', 'm2'] } }, orderBy: { slug: 'asc' } })).map((p: any) => p.title);
      expect(titles).toEqual(['m1-stamped', 'm2-stamped']);
    },
  },
  {
    name: 'deleteManyPosts asks beforeDelete of every row in key order, and one refusal keeps them all',
    query: 'mutation { deleteManyPosts(where: { slug: { in: ["m1", "protected"] } }) { count } }',
    hooks: ['Post.beforeDelete m1', 'Post.beforeDelete protected'],
    error: { code: 'BAD_USER_INPUT', field: 'slug' },
    rows: async (t) => expect(await t.prisma.post.count({ where: { slug: { in: ['m1', 'protected'] } } })).toBe(2),
  },
  {
    name: 'a nested connect runs beforeUpdate on the row it moves, and afterUpdate after the commit',
    query: 'mutation($u: Int!, $p: Int!) { updateUser(where: { id: $u }, data: { posts: { connect: [{ id: $p }] } }) { email } }',
    variables: ({ commenter }) => ({ u: commenter, p: -1 }),
    // The user's own validate runs too (its update carries only the nested operation); the post's update is the new author id.
    hooks: ['User.validate update', 'Post.validate update', 'Post.beforeUpdate m2', 'Post.afterUpdate m2-stamped -> m2-stamped'],
  },
  {
    name: 'a write the rules deny runs no hook at all',
    as: 'anonymous',
    query: 'mutation { createPost(data: { slug: "anon", title: "Anon" }) { id } }',
    hooks: [],
    error: { code: 'UNAUTHENTICATED' },
  },
  {
    name: 'deleteUser runs no hook of the posts the database deletes with the user (they are reported as cascaded changes)',
    query: 'mutation { deleteUser(where: { email: "nested@example.com" }) { email } }',
    hooks: [],
    rows: async (t) => expect(await t.prisma.post.count({ where: { title: { in: ['P1', 'P2'] } } })).toBe(0),
  },
];

describe.each(providers)('hook order on %s', (provider) => {
  let t: TestApp;
  let ids: Ids;
  let viewers: Record<'admin' | 'anonymous' | 'alice', Viewer>;

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true, env: { STRATA_APP_DIR: appDir } });
    const alice = await t.prisma.user.create({ data: { email: 'alice@example.com' } });
    const commenter = await t.prisma.user.create({ data: { email: 'commenter@example.com' } });
    const admin = await t.prisma.user.create({ data: { email: 'admin@example.com', role: 'ADMIN' } });
    ids = { alice: alice.id, commenter: commenter.id };
    const user = (row: any): Viewer => ({ kind: 'user', id: row.id, email: row.email, role: row.role, sessionId: 's' });
    viewers = { admin: user(admin), alice: user(alice), anonymous: { kind: 'anonymous' } };
  });
  afterAll(() => t.close());
  beforeEach(() => {
    hookLog.length = 0;
  });

  it.each(scenarios)('$name', async (scenario) => {
    let variables = scenario.variables?.(ids);
    if (scenario.name.startsWith('a nested connect')) {
      const m2 = await t.prisma.post.findFirst({ where: { slug: 'm2' } });
      variables = { ...variables, p: m2.id };
    }
    const result: GraphQLResponse = await t.as(viewers[scenario.as ?? 'admin'])(scenario.query, variables);
    expect(hookLog).toEqual(scenario.hooks);
    if (scenario.error) {
      const error = result.errors?.[0];
      expect(error?.extensions.code).toBe(scenario.error.code);
      if (scenario.error.field) expect(error?.extensions.field).toBe(scenario.error.field);
      if (scenario.error.message) expect(error?.message).toBe(scenario.error.message);
    } else {
      expect(result.errors).toBeUndefined();
    }
    expect(JSON.stringify(result)).not.toMatch(/secret/);
    await scenario.rows?.(t, ids);
  });
});
