import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { providers, type TestDatabase } from '../support/databases.ts';
import { postGraphQL } from './support/http.ts';
import { createRealtimeDatabase, type Instance, startInstance } from './support/realtime-instance.ts';
import { type TestWsClient, wsClient } from './support/ws-client.ts';

const POST_CHANGED = `subscription ($where: PostWhereInput, $kinds: [ChangeKind!]) {
  postChanged(where: $where, kinds: $kinds) { kind leaving cursor node { id title published } }
}`;

describe.each(providers)('graphql-ws subscriptions on %s', (provider) => {
  let db: TestDatabase;
  let server: Instance;
  let client: TestWsClient;
  let authorId: number;
  const gql = (query: string, variables?: Record<string, unknown>) => postGraphQL(server.httpUrl, query, variables);
  const createPost = async (title: string, published = false) => {
    const result = await gql('mutation ($data: PostCreateInput!) { createPost(data: $data) { id } }', {
      data: { slug: title.toLowerCase().replace(/\W/g, '-'), title, published, author: { connect: { id: authorId } } },
    });
    expect(result.errors).toBeUndefined();
    return result.data.createPost.id as number;
  };
  const updatePost = async (id: number, data: Record<string, unknown>) => {
    const result = await gql('mutation ($id: Int!, $data: PostUpdateInput!) { updatePost(where: { id: $id }, data: $data) { id } }', { id, data });
    expect(result.errors).toBeUndefined();
  };
  const deletePost = async (id: number) => {
    const result = await gql('mutation ($id: Int!) { deletePost(where: { id: $id }) { id } }', { id });
    expect(result.errors).toBeUndefined();
  };
  const subscribed = (n: number) => server.until((s) => s.subscriptions === n);

  beforeAll(async () => {
    db = await createRealtimeDatabase(provider);
    server = await startInstance(db.url);
    authorId = (await server.app.db.prisma.user.create({ data: { email: 'author@example.com' } })).id;
  });
  afterEach(async () => {
    await client?.dispose();
    await subscribed(0);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('delivers a committed createPost to a subscriber on the HTTP port and path', async () => {
    client = wsClient(server.wsUrl);
    const changes = client.subscribe(POST_CHANGED);
    await subscribed(1);
    const id = await createPost('Hello');
    const { data } = await changes.next();
    expect(data.postChanged).toMatchObject({ kind: 'CREATED', leaving: false, node: { id, title: 'Hello', published: false } });
    expect(typeof data.postChanged.cursor).toBe('string');
  });

  it('filters each subscriber by its own where', async () => {
    client = wsClient(server.wsUrl);
    const published = client.subscribe(POST_CHANGED, { where: { published: { equals: true } } });
    const titled = client.subscribe(POST_CHANGED, { where: { title: { startsWith: 'Zebra' } } });
    await subscribed(2);
    await createPost('Draft one');
    await createPost('Zebra draft');
    await createPost('Published one', true);
    await createPost('Zebra published', true);
    expect((await published.next()).data.postChanged.node.title).toBe('Published one');
    expect((await published.next()).data.postChanged.node.title).toBe('Zebra published');
    expect((await titled.next()).data.postChanged.node.title).toBe('Zebra draft');
    expect((await titled.next()).data.postChanged.node.title).toBe('Zebra published');
    expect(published.buffered + titled.buffered).toBe(0);
  });

  it('sends only the kinds asked for', async () => {
    client = wsClient(server.wsUrl);
    const deletions = client.subscribe(POST_CHANGED, { kinds: ['DELETED'] });
    await subscribed(1);
    const id = await createPost('Short lived');
    await updatePost(id, { title: 'Short lived, renamed' });
    await deletePost(id);
    const { data } = await deletions.next();
    expect(data.postChanged).toMatchObject({ kind: 'DELETED', leaving: true, node: { id, title: 'Short lived, renamed' } });
  });

  it('sends a row leaving the where once, with the node as last sent, then nothing until it matches again', async () => {
    client = wsClient(server.wsUrl);
    const changes = client.subscribe(POST_CHANGED, { where: { published: { equals: true } } });
    await subscribed(1);
    const id = await createPost('Visible', true);
    expect((await changes.next()).data.postChanged).toMatchObject({ kind: 'CREATED', leaving: false });
    await updatePost(id, { published: false, title: 'Hidden now' });
    expect((await changes.next()).data.postChanged).toMatchObject({
      kind: 'UPDATED',
      leaving: true,
      node: { id, title: 'Visible', published: true },
    });
    await updatePost(id, { title: 'Still hidden' });
    await updatePost(id, { published: true });
    // The next event is the row coming back: nothing was sent for the update made while it was out.
    expect((await changes.next()).data.postChanged).toMatchObject({ kind: 'UPDATED', leaving: false, node: { title: 'Still hidden', published: true } });
  });

  it('sends DELETED with the node last sent to a subscriber that saw the row', async () => {
    client = wsClient(server.wsUrl);
    const changes = client.subscribe(POST_CHANGED, { where: { title: { contains: 'Doomed' } } });
    await subscribed(1);
    const id = await createPost('Doomed post');
    await changes.next();
    await deletePost(id);
    expect((await changes.next()).data.postChanged).toMatchObject({ kind: 'DELETED', leaving: true, node: { id, title: 'Doomed post' } });
  });

  it('sends DELETED for a row loaded before subscribing when its scalars matched the where, with its to-one relations', async () => {
    const id = await createPost('Loaded by a query', true);
    client = wsClient(server.wsUrl);
    const changes = client.subscribe(
      `subscription { postChanged(where: { published: { equals: true } }) { kind leaving node { id title author { email } comments { id } } } }`,
    );
    const other = client.subscribe(POST_CHANGED, { where: { published: { equals: false } } });
    await subscribed(2);
    await deletePost(id);
    expect((await changes.next()).data.postChanged).toEqual({
      kind: 'DELETED',
      leaving: true,
      node: { id, title: 'Loaded by a query', author: { email: 'author@example.com' }, comments: [] },
    });
    // The row never matched `other`'s where: it learns nothing of the deletion.
    await createPost('Marker draft');
    expect((await other.next()).data.postChanged.node.title).toBe('Marker draft');
  });

  it('costs one query per distinct where and selection per event however many subscribe, with nested relations N+1-free', async () => {
    client = wsClient(server.wsUrl);
    const deep = 'subscription ($where: PostWhereInput) { postChanged(where: $where) { node { title author { email posts { id } } } } }';
    const where = { published: { equals: true } };
    const streams = [
      ...Array.from({ length: 25 }, () => client.subscribe(deep, { where })),
      ...Array.from({ length: 25 }, () => client.subscribe(POST_CHANGED, { where })),
    ];
    await subscribed(50);
    expect(server.app.realtime.feed.stats().groups).toBe(2);
    const post = await server.app.db.prisma.post.create({ data: { slug: 'counted', title: 'Counted', published: true, authorId } });
    const before = server.app.db.statements.count;
    server.app.realtime.publish([{ model: 'Post', kind: 'CREATED', key: { id: post.id }, row: post }]);
    const results = await Promise.all(streams.map((s) => s.next()));
    expect(results[0].data.postChanged.node.author.email).toBe('author@example.com');
    // The deep group reads posts, their authors and the authors' posts (one statement per level on
    // SQLite, one joined statement on PostgreSQL); the flat group reads posts.
    expect(server.app.db.statements.count - before).toBe(provider === 'postgresql' ? 2 : 4);
  });

  it('sends a row of a batch write as one event per row', async () => {
    client = wsClient(server.wsUrl);
    const changes = client.subscribe(POST_CHANGED, { where: { title: { startsWith: 'Batch' } } });
    await subscribed(1);
    const result = await gql('mutation ($data: [PostCreateManyInput!]!) { createManyPosts(data: $data) { count } }', {
      data: [1, 2, 3].map((n) => ({ slug: `batch-${n}`, title: `Batch ${n}`, authorId })),
    });
    expect(result.data.createManyPosts.count).toBe(3);
    const titles = [(await changes.next()).data, (await changes.next()).data, (await changes.next()).data].map((d) => d.postChanged.node.title);
    expect(titles.sort()).toEqual(['Batch 1', 'Batch 2', 'Batch 3']);
    await gql('mutation { updateManyPosts(where: { title: { startsWith: "Batch" } }, data: { published: true }) { count } }');
    for (let i = 0; i < 3; i++) expect((await changes.next()).data.postChanged).toMatchObject({ kind: 'UPDATED', node: { published: true } });
  });

  it('publishes nothing for a write that rolled back', async () => {
    client = wsClient(server.wsUrl);
    const users = client.subscribe('subscription { userChanged { kind node { email } } }');
    const posts = client.subscribe(POST_CHANGED);
    await subscribed(2);
    // The nested author and the post are written, then connecting a missing tag fails: the whole transaction rolls back.
    const failed = await gql(
      'mutation { createPost(data: { slug: "rolled-back", title: "Rolled back", author: { create: { email: "ghost@example.com" } }, tags: { connect: [{ id: 999999 }] } }) { id } }',
    );
    expect(failed.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    await createPost('After the rollback');
    expect((await posts.next()).data.postChanged.node.title).toBe('After the rollback');
    await server.app.db.prisma.user.create({ data: { email: 'marker@example.com' } }).then((u: any) =>
      server.app.realtime.publish([{ model: 'User', kind: 'CREATED', key: { id: u.id }, row: u }]),
    );
    expect((await users.next()).data.userChanged.node.email).toBe('marker@example.com');
  });

  it('runs queries and mutations over the websocket too, through the same plugins', async () => {
    client = wsClient(server.wsUrl);
    const before = (await client.subscribe('{ postsCount }').next()).data.postsCount;
    const created = await client
      .subscribe('mutation ($a: Int!) { createPost(data: { slug: "over-ws", title: "Over ws", author: { connect: { id: $a } } }) { title } }', { a: authorId })
      .next();
    expect(created.data.createPost.title).toBe('Over ws');
    const deep = Array.from({ length: 6 }, () => 'posts { author {').join(' ');
    const tooDeep = client.subscribe(`{ ${deep} id ${'} } '.repeat(6)}}`);
    // Validation (query limits included) runs in yoga's envelop: the operation fails, the connection stays.
    const { error } = await tooDeep.ended();
    expect((error as { message: string }[])[0].message).toMatch(/depth/i);
    expect((await client.subscribe('{ postsCount }').next()).data.postsCount).toBe(before + 1);
  });

  it('fails an operation with a syntax error without closing the connection', async () => {
    client = wsClient(server.wsUrl);
    const broken = client.subscribe('subscription { postChanged {');
    const { error } = await broken.ended();
    expect(Array.isArray(error) && (error as { message: string }[])[0].message).toMatch(/Syntax Error/);
    const changes = client.subscribe(POST_CHANGED);
    await subscribed(1);
    await createPost('Still connected');
    expect((await changes.next()).data.postChanged.node.title).toBe('Still connected');
  });

  it('refuses a cursor that is not one, with BAD_USER_INPUT', async () => {
    client = wsClient(server.wsUrl);
    const changes = client.subscribe('subscription { postChanged(after: "nonsense") { kind } }');
    const result = await changes.next();
    expect(result.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('serves 404 for websocket upgrades on other paths', async () => {
    client = wsClient(server.wsUrl.replace('/graphql', '/elsewhere'));
    const closed = await client.closed();
    expect(closed.code).not.toBe(1000);
  });
});
