import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Which single-row writes open an interactive transaction. Tag has no hooks,
 * triggers or post-write rules, so its plain writes are one statement and
 * skip the transaction's round trips; nested writes, models with hooks (Post,
 * in the example app) and writes a trigger watches (User's creates) keep theirs.
 */
describe.each(providers)('transactions of single-row writes on %s', (provider) => {
  let t: TestApp;
  let authorId: number;
  beforeAll(async () => {
    t = await createTestApp(provider);
    authorId = (await t.prisma.user.create({ data: { email: 'writer@example.com' } })).id;
  });
  afterAll(() => t.close());

  /** Runs a mutation and returns its data and whether it began a transaction. */
  const run = async (query: string, variables?: Record<string, unknown>) => {
    const { response, sql } = await t.traced(query, variables);
    expect(response.errors).toBeUndefined();
    // Prisma logs an interactive transaction's COMMIT (not its BEGIN).
    return { data: response.data, transaction: sql.some((s) => /^\s*COMMIT/i.test(s)) };
  };

  it.each([
    ['create of a model without hooks or triggers', false, 'mutation { createTag(data: { name: "plain" }) { id name } }'],
    ['update of a model without hooks or triggers', false, 'mutation { updateTag(where: { name: "plain" }, data: { name: "plainer" }) { name } }'],
    ['delete of a model without hooks or triggers', false, 'mutation { deleteTag(where: { name: "plainer" }) { name } }'],
    ['create with a nested write', true, 'mutation { createTag(data: { name: "nested", posts: { create: [{ slug: "n", title: "N", authorId: $AUTHOR }] } }) { name } }'],
    ['create of a model with hooks', true, 'mutation { createPost(data: { slug: "hooked", title: "Hooked", authorId: $AUTHOR }) { slug } }'],
    ['create of a model with a create trigger and no hooks', true, 'mutation { createUser(data: { email: "greeted@example.com" }) { id } }'],
    ['update of that model, which no trigger watches', false, 'mutation { updateUser(where: { email: "greeted@example.com" }, data: { name: "G" }) { id } }'],
  ])('%s: transaction %s', async (_label, expected, query) => {
    const { transaction } = await run(query.replaceAll('$AUTHOR', String(authorId)));
    expect(transaction).toBe(expected);
  });

  it('writes the trigger outbox row of a create in its transaction, and none for the unwatched update', async () => {
    const outbox = await t.prisma.strataOutbox.findMany({ where: { model: 'User' } });
    expect(outbox.map((row: { trigger: string; kind: string; payload: string }) => [row.trigger, row.kind, JSON.parse(row.payload).row.email])).toEqual([['welcomeUser', 'create', 'greeted@example.com']]);
  });

  it.each([
    // Read the row and UPDATE; then nothing more.
    ['scalars only: the written row is the answer', 'mutation { updateTag(where: { name: "counted" }, data: { name: "counted" }) { id name } }', 0],
    // The read-back: one statement on PostgreSQL (relationJoins), one per level on SQLite.
    ['a relation in the selection: read back', 'mutation { updateTag(where: { name: "counted" }, data: { name: "counted" }) { name posts { id } } }', 2],
  ])('update of a model without hooks, %s', async (_label, query, readBack) => {
    await t.prisma.tag.upsert({ where: { name: 'counted' }, create: { name: 'counted' }, update: {} });
    const expected = 2 + (provider === 'postgresql' ? Math.min(readBack, 1) : readBack);
    expect(await t.countStatements(() => run(query))).toBe(expected);
  });

  it('reads back the row of a model with an after-hook, which may change it once committed', async () => {
    const post = await t.prisma.post.create({ data: { slug: 'after', title: 'After', authorId } });
    const count = await t.countStatements(() => run('mutation ($id: Int!) { updatePost(where: { id: $id }, data: { title: "Again" }) { id title } }', { id: post.id }));
    // Read the row, UPDATE and COMMIT (Post has hooks: a transaction), then the read-back;
    // on PostgreSQL the row is locked (SELECT ... FOR UPDATE) before it is read.
    expect(count).toBe(provider === 'postgresql' ? 5 : 4);
  });

  it('still answers NOT_FOUND for a missing row and writes nothing', async () => {
    const res = await t.gql('mutation { updateTag(where: { name: "missing" }, data: { name: "x" }) { name } }');
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await t.prisma.tag.count({ where: { name: 'x' } })).toBe(0);
  });

  it('still maps a unique violation to CONFLICT', async () => {
    await run('mutation { createTag(data: { name: "twice" }) { id } }');
    const res = await t.gql('mutation { createTag(data: { name: "twice" }) { id } }');
    expect(res.errors?.[0].extensions?.code).toBe('CONFLICT');
  });
});
