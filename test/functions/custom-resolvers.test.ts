import path from 'node:path';
import { getNamedType, isObjectType } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import { renderSdl } from '../../src/cli/sdl.ts';
import type { ChangeEvent } from '../../src/base/change-event.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const fixtureDir = path.resolve(import.meta.dirname, 'fixtures/app');
const user = (row: { id: number; email: string; role: string }): Viewer => ({ kind: 'user', id: row.id, email: row.email, role: row.role, sessionId: `s${row.id}` });
const PUBLISH = 'mutation($id: Int!) { publishPost(id: $id) { id published status author { email karma } } }';

describe.each(providers)("the example app's publishPost on %s", (provider) => {
  let t: TestApp;
  let viewers: Record<'alice' | 'bob' | 'admin', Viewer>;
  let ids: Record<'alice' | 'bob', number>;
  const drafts = async (authorId: number, slug: string, published = false) => (await t.prisma.post.create({ data: { authorId, slug, title: slug, published } })).id;

  beforeAll(async () => {
    // The example app as shipped, with its webhook trigger switched on (it is off without a URL).
    t = await createTestApp(provider, { rules: true, env: { APP_PUBLISH_WEBHOOK_URL: 'http://127.0.0.1:9/unused', APP_WEBHOOK_SECRET: 's' } });
    const a = await t.prisma.user.create({ data: { email: 'alice@example.com' } });
    const b = await t.prisma.user.create({ data: { email: 'bob@example.com' } });
    const c = await t.prisma.user.create({ data: { email: 'admin@example.com', role: 'ADMIN' } });
    ids = { alice: a.id, bob: b.id };
    viewers = { alice: user(a), bob: user(b), admin: user(c) };
  });
  afterAll(() => t.close());
  beforeEach(() => t.prisma.strataOutbox.deleteMany());

  it('is part of the printed schema and of the served one, typed with the generated Post and guarded by its access', async () => {
    const sdl = await renderSdl(t.app.config);
    expect(sdl).toMatch(/Publishes one of your drafts and credits you karma, in one transaction\.\s*"""\s*publishPost\(id: Int!\): Post!/);
    const field = t.app.schema.getMutationType()!.getFields().publishPost;
    expect(getNamedType(field.type)).toBe(t.app.schema.getType('Post'));
    expect(field.extensions.access).toBe('authenticated');
  });

  it('publishes the author\'s draft and credits karma in one transaction, through the pipeline (hooks, events, triggers)', async () => {
    const id = await drafts(ids.alice, 'to-publish');
    const batches: ChangeEvent[][] = [];
    const stop = t.app.realtime.hub.listen((batch) => batches.push(batch.events));
    const res = await t.as(viewers.alice)(PUBLISH, { id });
    stop();
    expect(res.errors).toBeUndefined();
    expect(res.data.publishPost).toEqual({ id, published: true, status: 'PUBLISHED', author: { email: 'alice@example.com', karma: '10' } });
    // One commit, one batch: both rows changed together.
    expect(batches.map((events) => events.map((e) => `${e.model} ${e.kind}`))).toEqual([['Post UPDATED', 'User UPDATED']]);
    // The example's postPublished trigger saw the change in the same transaction.
    expect((await t.prisma.strataOutbox.findMany()).map((r: any) => [r.trigger, r.model, r.kind])).toEqual([['postPublished', 'Post', 'update']]);
  });

  it.each([
    ['anonymous', 'alice draft', 'UNAUTHENTICATED'],
    ['bob', 'alice draft', 'NOT_FOUND'],
    ['bob', 'alice published', 'FORBIDDEN'],
    ['alice', 'alice published', 'CONFLICT'],
    ['admin', 'bob draft', 'ok'],
  ] as const)('as %s on the %s → %s', async (actor, target, expected) => {
    const [owner, state] = target.split(' ') as ['alice' | 'bob', string];
    const id = await drafts(ids[owner], `${actor}-${target.replace(' ', '-')}`, state === 'published');
    const before = (await t.prisma.user.findUnique({ where: { id: ids[owner] } })).karma;
    const run = actor === 'anonymous' ? t.gql : t.as(viewers[actor]);
    const res = await run(PUBLISH, { id });
    expect(res.errors?.[0]?.extensions.code ?? 'ok').toBe(expected);
    const after = (await t.prisma.user.findUnique({ where: { id: ids[owner] } })).karma;
    expect(after - before).toBe(expected === 'ok' ? 10n : 0n);
  });

  it('pays the reward once when the same draft is published twice at the same time', async () => {
    const id = await drafts(ids.bob, 'race');
    const before = (await t.prisma.user.findUnique({ where: { id: ids.bob } })).karma;
    const results = await Promise.all([t.as(viewers.bob)(PUBLISH, { id }), t.as(viewers.bob)(PUBLISH, { id })]);
    expect(results.map((r) => r.errors?.[0]?.extensions.code ?? 'ok').sort()).toEqual(['CONFLICT', 'ok']);
    expect((await t.prisma.user.findUnique({ where: { id: ids.bob } })).karma - before).toBe(10n);
  });

  it('serves the example feed function with published posts only', async () => {
    const response = await t.app.yoga.fetch('http://127.0.0.1/functions/feed');
    const feed = await response.json();
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    const published = await t.prisma.post.count({ where: { published: true } });
    expect(feed.items).toHaveLength(Math.min(published, 20));
  });
});

describe.each(providers)('custom resolvers of a test app on %s', (provider) => {
  let t: TestApp;
  let alice: Viewer;

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true, env: { STRATA_APP_DIR: fixtureDir, STRATA_MAX_DEPTH: '4' } });
    const a = await t.prisma.user.create({ data: { email: 'alice@example.com' } });
    const b = await t.prisma.user.create({ data: { email: 'bob@example.com' } });
    alice = user(a);
    await t.prisma.post.create({ data: { authorId: a.id, slug: 'mine', title: 'Mine' } });
    await t.prisma.post.create({ data: { authorId: b.id, slug: 'theirs', title: 'Theirs' } });
  });
  afterAll(() => t.close());

  it("reuses the generated types, with the viewer's row rules on the prismaField", async () => {
    const res = await t.as(alice)('{ myDrafts { slug author { email } } }');
    expect(res).toEqual({ data: { myDrafts: [{ slug: 'mine', author: { email: 'alice@example.com' } }] } });
  });

  it('denies a root field that declares no access', async () => {
    expect((await t.gql('{ forgotAccess }')).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.as(alice)('{ forgotAccess }')).errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('masks unexpected resolver errors and passes AppErrors', async () => {
    const crash = await t.gql('{ crashes }');
    expect(crash.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(crash)).not.toMatch(/secret/);
    expect((await t.gql('{ refuses }')).errors?.[0]).toMatchObject({ message: 'Refused on purpose', extensions: { code: 'CONFLICT' } });
  });

  it('applies the query limits to custom fields', async () => {
    const deep = await t.as(alice)('{ myDrafts { author { posts { author { posts { slug } } } } } }');
    expect(deep.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(deep.data ?? null).toBeNull();
  });

  it('lists dead letters only for admins (the fixture app has triggers)', () => {
    const field = t.app.schema.getQueryType()!.getFields().strataDeadLetters;
    expect(field.extensions.access).toBe('admin');
    expect(isObjectType(getNamedType(field.type))).toBe(true);
  });
});
