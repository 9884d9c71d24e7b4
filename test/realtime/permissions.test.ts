import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAdmin } from '../../src/base/viewer.ts';
import { providers, type TestDatabase } from '../support/databases.ts';
import { createRealtimeDatabase, type Instance, startInstance } from './support/realtime-instance.ts';
import { type TestWsClient, wsClient } from './support/ws-client.ts';

const ADMIN_SECRET = 'realtime-test-admin-secret-0123456789abcdef';
const POST_CHANGED = 'subscription { postChanged { kind leaving node { id title published author { email } } } }';

describe.each(providers)('subscription permissions on %s', (provider) => {
  let db: TestDatabase;
  let server: Instance;
  const clients: TestWsClient[] = [];
  const connect = (connectionParams?: Record<string, unknown>) => {
    const client = wsClient(server.wsUrl, { connectionParams });
    clients.push(client);
    return client;
  };
  let alice: { id: number; token: string };
  let bob: { id: number; token: string };
  const prisma = () => server.app.db.prisma;

  beforeAll(async () => {
    db = await createRealtimeDatabase(provider);
    // The example app's own rules (app/rules.ts): posts are visible when published, or to their author.
    server = await startInstance(db.url, { STRATA_ADMIN_SECRET: ADMIN_SECRET }, { policy: undefined });
    const user = async (email: string) => {
      const row = await prisma().user.create({ data: { email } });
      return { id: row.id as number, token: (await server.app.auth.sessions!.create(row.id)).token };
    };
    alice = await user('alice@example.com');
    bob = await user('bob@example.com');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await server.until((s) => s.subscriptions === 0);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const write = async (kind: 'CREATED' | 'UPDATED' | 'DELETED', data: Record<string, unknown>, id?: number) => {
    const posts = prisma().post;
    const previous = id ? await posts.findUnique({ where: { id } }) : undefined;
    const row =
      kind === 'CREATED' ? await posts.create({ data }) : kind === 'UPDATED' ? await posts.update({ where: { id }, data }) : await posts.delete({ where: { id } });
    server.app.realtime.publish([{ model: 'Post', kind, key: { id: row.id }, row, ...(previous && kind === 'UPDATED' ? { previous } : {}) }]);
    return row.id as number;
  };

  it("isolates viewers: a draft reaches its author only, a published post everyone, with field rules applied per viewer", async () => {
    const asAlice = connect({ token: alice.token }).subscribe(POST_CHANGED);
    const asBob = connect({ token: bob.token }).subscribe(POST_CHANGED);
    const asNobody = connect().subscribe(POST_CHANGED);
    await server.until((s) => s.subscriptions === 3);
    await write('CREATED', { slug: 'draft', title: 'Alice draft', authorId: alice.id });
    await write('CREATED', { slug: 'pub', title: 'Alice published', published: true, authorId: alice.id });
    expect((await asAlice.next()).data.postChanged.node).toMatchObject({ title: 'Alice draft', author: { email: 'alice@example.com' } });
    expect((await asAlice.next()).data.postChanged.node.title).toBe('Alice published');
    // Bob and anonymous viewers never hear of the draft; User.email is readable by its owner only.
    expect((await asBob.next()).data.postChanged.node).toMatchObject({ title: 'Alice published', author: { email: null } });
    expect((await asNobody.next()).data.postChanged.node).toMatchObject({ title: 'Alice published', author: { email: null } });
  });

  it('sends leaving to a viewer who loses sight of a row, and DELETED only to viewers who could see it', async () => {
    const id = await write('CREATED', { slug: 'soon-hidden', title: 'Soon hidden', published: true, authorId: alice.id });
    const asAlice = connect({ token: alice.token }).subscribe(POST_CHANGED);
    const asBob = connect({ token: bob.token }).subscribe(POST_CHANGED);
    await server.until((s) => s.subscriptions === 2);
    await write('UPDATED', { published: false }, id);
    expect((await asAlice.next()).data.postChanged).toMatchObject({ kind: 'UPDATED', leaving: false, node: { published: false } });
    // Bob never received the row on this subscription: the rule is scalar, so its previous state decides, and he sees it as it was.
    expect((await asBob.next()).data.postChanged).toMatchObject({ kind: 'UPDATED', leaving: true, node: { id, published: true } });
    await write('DELETED', {}, id);
    expect((await asAlice.next()).data.postChanged).toMatchObject({ kind: 'DELETED', leaving: true, node: { id } });
    await write('CREATED', { slug: 'marker', title: 'Marker', published: true, authorId: bob.id });
    expect((await asBob.next()).data.postChanged.node.title).toBe('Marker');
  });

  // A subscription's context lives for all its events: rule checks must not be cached across them.
  it('re-checks the visibility of a to-one relation at every event', async () => {
    const post = await prisma().post.create({ data: { slug: 'liked', title: 'Liked while public', published: true, authorId: alice.id } });
    const likes = connect().subscribe('subscription { postLikeChanged { node { userId post { title } } } }');
    await server.until((s) => s.subscriptions === 1);
    const like = async (userId: number) => {
      const row = await prisma().postLike.create({ data: { userId, postId: post.id } });
      server.app.realtime.publish([{ model: 'PostLike', kind: 'CREATED', key: { userId, postId: post.id }, row }]);
      return (await likes.next()).data.postLikeChanged.node;
    };
    expect(await like(alice.id)).toEqual({ userId: alice.id, post: { title: 'Liked while public' } });
    await prisma().post.update({ where: { id: post.id }, data: { published: false, title: 'Now a draft' } });
    expect(await like(bob.id)).toEqual({ userId: bob.id, post: null });
  });

  it('applies the row filter of an injected readFilter (test seam) per viewer, and denies with FORBIDDEN / UNAUTHENTICATED on null', async () => {
    const seamed = await startInstance(db.url, { STRATA_ADMIN_SECRET: ADMIN_SECRET }, {
      realtimeReadFilter: (ctx, model) => {
        if (model === 'Tag') return ctx.viewer.kind === 'anonymous' ? null : isAdmin(ctx.viewer) ? {} : null;
        return isAdmin(ctx.viewer) ? {} : { title: { startsWith: 'Public' } };
      },
    });
    try {
      const admin = wsClient(seamed.wsUrl, { connectionParams: { adminSecret: ADMIN_SECRET } });
      const anon = wsClient(seamed.wsUrl);
      const asBob = wsClient(seamed.wsUrl, { connectionParams: { token: bob.token } });
      clients.push(admin, anon, asBob);
      const adminPosts = admin.subscribe('subscription { postChanged { node { title } } }');
      const anonPosts = anon.subscribe('subscription { postChanged { node { title } } }');
      await seamed.until((s) => s.subscriptions === 2);
      for (const title of ['Secret one', 'Public one']) {
        const row = await prisma().post.create({ data: { slug: title, title, authorId: alice.id } });
        seamed.app.realtime.publish([{ model: 'Post', kind: 'CREATED', key: { id: row.id }, row }]);
      }
      expect((await adminPosts.next()).data.postChanged.node.title).toBe('Secret one');
      expect((await adminPosts.next()).data.postChanged.node.title).toBe('Public one');
      expect((await anonPosts.next()).data.postChanged.node.title).toBe('Public one');
      expect((await anon.subscribe('subscription { tagChanged { kind } }').next()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await asBob.subscribe('subscription { tagChanged { kind } }').next()).errors[0].extensions.code).toBe('FORBIDDEN');
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.dispose()));
      await seamed.close();
    }
  });
  it.each([
    ['a where on the guarded field', 'subscription { userChanged(where: { email: { startsWith: "alice" } }) { kind } }'],
    ['a relation filter reaching it', 'subscription { postChanged(where: { author: { is: { email: { contains: "@" } } } }) { kind } }'],
  ])('refuses %s (User.email, readable on your own row only) with FORBIDDEN, like queries do', async (_what, subscription) => {
    const first = await connect({ token: bob.token }).subscribe(subscription).next();
    expect(first.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
