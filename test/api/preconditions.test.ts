import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/preconditions-app');

type Actor = 'anonymous' | 'alice' | 'bob' | 'admin';
type Op = 'update' | 'delete' | 'upsert';
/** Which of Alice's posts a case writes: published (everyone sees it, signed-in users may edit it), her draft (hidden from Bob and anonymous), or none. */
type Target = 'published' | 'draft' | 'missing';
/** The precondition: holds on the row, does not, or names `body` (a field only its author may read). */
type Cond = 'match' | 'mismatch' | 'guarded';
type Outcome = 'written' | 'created' | 'CONFLICT' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED';

const actors: Actor[] = ['anonymous', 'alice', 'bob', 'admin'];
const ops: Op[] = ['update', 'delete', 'upsert'];
const targets: Target[] = ['published', 'draft', 'missing'];
const conds: Cond[] = ['match', 'mismatch', 'guarded'];
const MISSING_ID = 987_654;

const preconditions: Record<Cond, Record<string, unknown>> = {
  match: { title: { equals: 'original' } },
  mismatch: { title: { equals: 'stale' } },
  guarded: { body: { equals: 'secret' } },
};

const mutations: Record<Op, string> = {
  update: 'mutation($id: Int!, $if: PostWhereInput) { updatePost(where: { id: $id }, if: $if, data: { title: "written" }) { id title } }',
  delete: 'mutation($id: Int!, $if: PostWhereInput) { deletePost(where: { id: $id }, if: $if) { id title } }',
  upsert: 'mutation($id: Int!, $if: PostWhereInput, $create: PostCreateInput!) { upsertPost(where: { id: $id }, if: $if, create: $create, update: { title: "written" }) { id title } }',
};

/**
 * What each case must answer. Anonymous callers are refused before anything
 * (no rule grants them a write); a guarded field in the precondition is
 * refused before any SQL (admins read every field); a row the actor cannot
 * see is NOT_FOUND (upsert creates instead); seen but not allowed is
 * FORBIDDEN; only then does the precondition decide.
 */
function expected(op: Op, actor: Actor, target: Target, cond: Cond): Outcome {
  if (actor === 'anonymous') return 'UNAUTHENTICATED';
  if (cond === 'guarded' && actor !== 'admin') return 'FORBIDDEN';
  const visible = target === 'published' || (target === 'draft' && actor !== 'bob');
  if (!visible) return op === 'upsert' ? 'created' : 'NOT_FOUND';
  const allowed = actor !== 'bob' || (op !== 'delete' && target === 'published');
  if (!allowed) return 'FORBIDDEN';
  return cond === 'mismatch' ? 'CONFLICT' : 'written';
}

const user = (row: { id: number; email: string; role: string }): Viewer => ({ kind: 'user', id: row.id, email: row.email, role: row.role, sessionId: `occ-${row.id}` });
const code = (r: GraphQLResponse) => r.errors?.[0]?.extensions.code;

/**
 * Optimistic concurrency: the single-row `update*`, `delete*` and `upsert*`
 * (its update branch) take `if: <Model>WhereInput`, a precondition the row
 * must match when it is written. A failing one answers CONFLICT with the
 * current row (as the viewer may read it) and writes nothing, distinct from
 * NOT_FOUND (missing or hidden, identical) and FORBIDDEN.
 */
describe.each(providers)('preconditions (if) on %s', (provider) => {
  let t: TestApp;
  const viewers = {} as Record<Actor, Viewer>;
  let aliceId: number;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true, env: { STRATA_APP_DIR: appDir, LOG_LEVEL: 'error' } });
    const alice = await t.prisma.user.create({ data: { email: 'alice@occ.test', name: 'Alice', passwordHash: 'hash' } });
    const bob = await t.prisma.user.create({ data: { email: 'bob@occ.test', name: 'Bob' } });
    const admin = await t.prisma.user.create({ data: { email: 'admin@occ.test', role: 'ADMIN' } });
    aliceId = alice.id;
    Object.assign(viewers, { anonymous: { kind: 'anonymous' }, alice: user(alice), bob: user(bob), admin: user(admin) });
  });
  afterAll(() => t.close());

  /** A fresh published post and draft of Alice's, with a body only she may read. */
  const freshPosts = async () => {
    n += 1;
    const post = (slug: string, published: boolean) => t.prisma.post.create({ data: { slug: `${slug}-${n}`, title: 'original', body: 'secret', published, authorId: aliceId } });
    return { published: (await post('pub', true)).id, draft: (await post('draft', false)).id, missing: MISSING_ID };
  };
  const row = (id: number) => t.prisma.post.findUnique({ where: { id }, select: { id: true, title: true, body: true } });

  describe.each(ops)('%sPost', (op) => {
    const cases = actors.flatMap((actor) => targets.flatMap((target) => conds.map((cond) => ({ actor, target, cond, outcome: expected(op, actor, target, cond) }))));

    it.each(cases)('$actor on $target with a $cond precondition: $outcome', async ({ actor, target, cond, outcome }) => {
      const ids = await freshPosts();
      const id = ids[target];
      const before = await row(id);
      // Presets fill a user's authorId; an admin names the author.
      const create = { slug: `up-${n}`, title: 'created', ...(actor === 'admin' ? { authorId: aliceId } : {}) };
      const result = await t.as(viewers[actor])(mutations[op], { id, if: preconditions[cond], ...(op === 'upsert' ? { create } : {}) });
      const after = await row(id);

      if (outcome === 'written' || outcome === 'created') expect(result.errors).toBeUndefined();
      else expect(code(result)).toBe(outcome);

      if (outcome === 'written') {
        if (op === 'delete') expect(after).toBeNull();
        else expect(after?.title).toBe('written');
        return;
      }
      // Nothing else is written: the target row is as it was (a created row is a new one).
      expect(after).toEqual(before);
      if (outcome === 'created') expect(result.data?.upsertPost.title).toBe('created');
      if (outcome === 'CONFLICT') {
        expect(result.data).toBeNull();
        const current = result.errors![0].extensions.current as Record<string, unknown>;
        expect(current).toMatchObject({ id, title: 'original', authorId: aliceId });
        // `body` is the author's: Bob may edit the post but never reads it, not even in a conflict.
        if (actor === 'bob') expect(current).not.toHaveProperty('body');
        else expect(current.body).toBe('secret');
      }
    });
  });

  it.each(['update', 'delete'] as const)('answers %sPost on a hidden row exactly as on a missing one, whatever the precondition', async (op) => {
    for (const actor of ['anonymous', 'bob'] as const) {
      for (const cond of conds) {
        const ids = await freshPosts();
        const hidden = await t.as(viewers[actor])(mutations[op], { id: ids.draft, if: preconditions[cond] });
        const missing = await t.as(viewers[actor])(mutations[op], { id: MISSING_ID, if: preconditions[cond] });
        expect(hidden, `${actor}, ${cond}`).toEqual(missing);
      }
    }
  });

  it('refuses a precondition naming a guarded field through a relation, before looking at the row', async () => {
    const ids = await freshPosts();
    const query = 'mutation($id: Int!, $if: PostWhereInput) { updatePost(where: { id: $id }, if: $if, data: { title: "written" }) { id } }';
    const probe = { author: { is: { email: { startsWith: 'alice' } } } };
    const onRow = await t.as(viewers.bob)(query, { id: ids.published, if: probe });
    const onMissing = await t.as(viewers.bob)(query, { id: MISSING_ID, if: probe });
    expect(code(onRow)).toBe('FORBIDDEN');
    expect(onRow).toEqual(onMissing);
    expect((await row(ids.published))?.title).toBe('original');
  });

  it('checks relation filters of a precondition against rows the viewer may read only', async () => {
    const ids = await freshPosts();
    const query = 'mutation($id: Int!, $if: PostWhereInput) { updatePost(where: { id: $id }, if: $if, data: { title: "written" }) { id } }';
    // Alice's draft exists, but Bob cannot see it: "Alice has a post titled original that is not published" is false for him.
    const probe = { author: { is: { posts: { some: { published: { equals: false } } } } } };
    expect(code(await t.as(viewers.bob)(query, { id: ids.published, if: probe }))).toBe('CONFLICT');
    expect(code(await t.as(viewers.alice)(query, { id: ids.published, if: probe }))).toBeUndefined();
  });

  it('shows the current row in a conflict as the API shows it, with HTTP 409', async () => {
    const ids = await freshPosts();
    await t.prisma.post.update({ where: { id: ids.published }, data: { cover: Buffer.from('hi'), views: 9007199254740993n, rating: '12.50', metadata: { a: [1] } } });
    const response = await t.app.yoga.fetch(
      `http://127.0.0.1${t.app.config.graphqlPath}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: mutations.update, variables: { id: ids.published, if: preconditions.mismatch } }) },
      { viewer: viewers.alice },
    );
    expect(response.status).toBe(409);
    const body = (await response.json()) as GraphQLResponse;
    const error = body.errors![0];
    expect(error.extensions.code).toBe('CONFLICT');
    expect(Object.keys(error.extensions).sort()).toEqual(['code', 'current']);
    expect(error.message).toMatch(/precondition/);
    const current = error.extensions.current as Record<string, unknown>;
    expect(current).toMatchObject({ id: ids.published, title: 'original', body: 'secret', published: true, status: 'DRAFT', views: '9007199254740993', metadata: { a: [1] }, cover: 'aGk=' });
    expect(Number(current.rating)).toBe(12.5);
    expect(current.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('never shows an @omit column in a conflict, and applies field rules on the User model too', async () => {
    const query = 'mutation($id: Int!, $if: UserWhereInput) { updateUser(where: { id: $id }, if: $if, data: { name: "Al" }) { id } }';
    const result = await t.as(viewers.alice)(query, { id: aliceId, if: { name: { equals: 'stale' } } });
    expect(code(result)).toBe('CONFLICT');
    const current = result.errors![0].extensions.current as Record<string, unknown>;
    expect(current).toMatchObject({ id: aliceId, name: 'Alice', email: 'alice@occ.test' });
    expect(current).not.toHaveProperty('passwordHash');
    // Alice may read her own email, yet not filter by it: it is not readable on every row.
    expect(code(await t.as(viewers.alice)(query, { id: aliceId, if: { email: { equals: 'alice@occ.test' } } }))).toBe('FORBIDDEN');
  });

  it('decides a version precondition on the row it locked: no statement more than the same update without it', async () => {
    const ids = await freshPosts();
    const seen = (await t.prisma.post.findUnique({ where: { id: ids.published } })).updatedAt.toISOString();
    const plain = await t.countStatements(() => t.as(viewers.alice)(mutations.update, { id: ids.draft }));
    const guarded = await t.countStatements(() => t.as(viewers.alice)(mutations.update, { id: ids.published, if: { updatedAt: { equals: seen } } }));
    expect((await row(ids.published))?.title).toBe('written');
    expect(guarded).toBe(plain);
  });

  it('treats an empty or null precondition as none', async () => {
    const ids = await freshPosts();
    expect((await t.as(viewers.alice)(mutations.update, { id: ids.published, if: {} })).errors).toBeUndefined();
    expect((await t.as(viewers.alice)(mutations.update, { id: ids.draft, if: null })).errors).toBeUndefined();
  });

  describe('on a model whose single-row writes are one statement (no transaction)', () => {
    const update = 'mutation($id: Int!, $if: TagWhereInput, $to: String!) { updateTag(where: { id: $id }, if: $if, data: { name: $to }) { id name } }';
    const remove = 'mutation($id: Int!, $if: TagWhereInput) { deleteTag(where: { id: $id }, if: $if) { id } }';

    it('writes when the precondition holds and answers CONFLICT with the current row when not', async () => {
      const tag = await t.prisma.tag.create({ data: { name: `tag-${(n += 1)}` } });
      const stale = await t.as(viewers.bob)(update, { id: tag.id, if: { name: { equals: 'stale' } }, to: 'x' });
      expect(code(stale)).toBe('CONFLICT');
      expect(stale.errors![0].extensions.current).toEqual({ id: tag.id, name: tag.name });
      expect(code(await t.as(viewers.bob)(remove, { id: tag.id, if: { name: { equals: 'stale' } } }))).toBe('CONFLICT');
      const fresh = await t.as(viewers.bob)(update, { id: tag.id, if: { name: { equals: tag.name } }, to: `${tag.name}-2` });
      expect(fresh.data?.updateTag.name).toBe(`${tag.name}-2`);
      expect((await t.as(viewers.bob)(remove, { id: tag.id, if: { name: { equals: `${tag.name}-2` } } })).errors).toBeUndefined();
      expect(await t.prisma.tag.findUnique({ where: { id: tag.id } })).toBeNull();
      expect(code(await t.as(viewers.bob)(remove, { id: tag.id, if: { name: { equals: `${tag.name}-2` } } }))).toBe('NOT_FOUND');
    });
  });
});

/** Concurrent writers per round, and rounds per scenario. */
const WRITERS = 8;
const ROUNDS = 40;

/**
 * Each round, WRITERS clients read the row's version, then all write with
 * `if: { <version>: { equals: <what they read> } }`: exactly one wins, every
 * other gets CONFLICT showing the winner's version, and no increment is
 * lost. PostgreSQL runs them truly concurrently (READ COMMITTED; the Post
 * write locks its row in a transaction, the Tag write is one guarded
 * statement); SQLite serialises them and must answer the same.
 */
describe.each(providers)('concurrent writers with preconditions on %s', (provider) => {
  let t: TestApp;
  let alice: Viewer;
  let aliceId: number;
  const figures: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true, env: { STRATA_APP_DIR: appDir, LOG_LEVEL: 'error' } });
    const row = await t.prisma.user.create({ data: { email: 'alice@race.test' } });
    alice = user(row);
    aliceId = row.id;
  });
  afterAll(async () => {
    console.log(`[preconditions] ${provider}: ${JSON.stringify(figures)}`);
    await t.close();
  });

  /** Runs the rounds; `round` returns each writer's answer code (undefined: written). */
  const race = async (name: string, round: (i: number) => Promise<{ codes: (string | undefined)[]; ok: boolean }>) => {
    let wins = 0;
    let conflicts = 0;
    let broken = 0;
    for (let i = 0; i < ROUNDS; i += 1) {
      const { codes, ok } = await round(i);
      const won = codes.filter((c) => c === undefined).length;
      wins += won;
      conflicts += codes.filter((c) => c === 'CONFLICT').length;
      if (won !== 1 || !ok) broken += 1;
    }
    figures[name] = `${wins} wins, ${conflicts} conflicts, ${broken} broken rounds of ${ROUNDS}`;
    expect(broken, `${name}: rounds without exactly one winner, or with a lost or wrong answer`).toBe(0);
    return wins;
  };

  it(`updatePost(if: { views: { equals: seen } }): one of ${WRITERS} writers wins each round, no increment lost`, async () => {
    const post = await t.prisma.post.create({ data: { slug: 'counter', title: 'c', published: true, authorId: aliceId } });
    const read = async () => (await t.as(alice)('query($id: Int!) { post(where: { id: $id }) { views } }', { id: post.id })).data.post.views as string;
    const write = (seen: string, w: number) =>
      t.as(alice)('mutation($id: Int!, $seen: BigInt!, $next: BigInt!, $title: String!) { updatePost(where: { id: $id }, if: { views: { equals: $seen } }, data: { views: $next, title: $title }) { views } }', {
        id: post.id,
        seen,
        next: String(BigInt(seen) + 1n),
        title: `w${w}`,
      });
    const wins = await race('updatePost', async () => {
      const seen = await Promise.all(Array.from({ length: WRITERS }, read));
      const results = await Promise.all(seen.map((v, w) => write(v, w)));
      const next = String(BigInt(seen[0]) + 1n);
      const losersSeeWinner = results.every((r) => !r.errors || (code(r) === 'CONFLICT' && (r.errors[0].extensions.current as { views: string }).views === next));
      return { codes: results.map(code), ok: seen.every((v) => v === seen[0]) && losersSeeWinner };
    });
    const final = await t.prisma.post.findUnique({ where: { id: post.id } });
    expect(Number(final.views)).toBe(wins);
  });

  it(`updateTag(if: { name: { equals: seen } }) in one statement: one of ${WRITERS} writers wins each round, no step lost`, async () => {
    const tag = await t.prisma.tag.create({ data: { name: 'v0' } });
    const read = async () => (await t.as(alice)('query($id: Int!) { tag(where: { id: $id }) { name } }', { id: tag.id })).data.tag.name as string;
    const step = (name: string) => `v${Number(name.slice(1)) + 1}`;
    const wins = await race('updateTag', async () => {
      const seen = await Promise.all(Array.from({ length: WRITERS }, read));
      const results = await Promise.all(
        seen.map((v) => t.as(alice)('mutation($id: Int!, $seen: String!, $next: String!) { updateTag(where: { id: $id }, if: { name: { equals: $seen } }, data: { name: $next }) { name } }', { id: tag.id, seen: v, next: step(v) })),
      );
      const losersSeeWinner = results.every((r) => !r.errors || (code(r) === 'CONFLICT' && (r.errors[0].extensions.current as { name: string }).name === step(seen[0])));
      return { codes: results.map(code), ok: losersSeeWinner };
    });
    const final = await t.prisma.tag.findUnique({ where: { id: tag.id } });
    expect(final.name).toBe(`v${wins}`);
  });

  it(`deletePost and updatePost racing on one version: exactly one of ${WRITERS} wins, the others get CONFLICT or NOT_FOUND`, async () => {
    await race('deletePost vs updatePost', async (i) => {
      const post = await t.prisma.post.create({ data: { slug: `d-${i}`, title: 't0', published: true, authorId: aliceId } });
      const seen = { title: { equals: 't0' } };
      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, w) =>
          w % 2
            ? t.as(alice)('mutation($id: Int!, $if: PostWhereInput) { deletePost(where: { id: $id }, if: $if) { id } }', { id: post.id, if: seen })
            : t.as(alice)('mutation($id: Int!, $if: PostWhereInput, $t: String!) { updatePost(where: { id: $id }, if: $if, data: { title: $t }) { id } }', { id: post.id, if: seen, t: `t-w${w}` }),
        ),
      );
      const codes = results.map(code);
      const row = await t.prisma.post.findUnique({ where: { id: post.id } });
      const winner = results.findIndex((r) => !r.errors);
      // The winner's write is what the row shows; losers learn the row changed (CONFLICT) or is gone (NOT_FOUND).
      const consistent = winner % 2 ? row === null : row?.title === `t-w${winner}`;
      return { codes, ok: consistent && codes.every((c) => c === undefined || c === 'CONFLICT' || c === 'NOT_FOUND') };
    });
  });
});
