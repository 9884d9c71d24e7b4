import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookieName } from '../../src/auth/http/session-cookie.ts';
import { isAdmin } from '../../src/base/viewer.ts';
import { createReadEngine } from '../../src/reads/create-read-engine.ts';
import type { Generator } from '../../src/schema/generator.ts';
import { createStrataYoga } from '../../src/server/create-yoga.ts';
import { type Listening, listen } from '../../src/server/listen.ts';
import { createReadLane } from '../../src/server/read-lane/create-read-lane.ts';
import { LaneDocuments } from '../../src/server/read-lane/lane-documents.ts';
import { responseMediaType } from '../../src/server/read-lane/response-media-type.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { type Seeded, seed } from '../permissions/seed.ts';

const ORIGIN = 'https://app.example';
const POST = 'query($id: Int!) { post(where: { id: $id }) { slug title author { email } } }';
const NESTED = 'query($n: Int) { users(take: $n, orderBy: [{ id: asc }]) { posts(take: $n, orderBy: [{ id: asc }]) { comments(take: $n, orderBy: [{ id: asc }]) { post { comments(take: $n, orderBy: [{ id: asc }]) { id } } } } } }';
const POSTS = 'query Posts($take: Int) { posts(orderBy: [{ id: asc }], take: $take) { id slug author { name email } _count { comments } } }';

interface Request {
  /** The body as sent (a string is sent as is). */
  body: unknown;
  headers?: Record<string, string>;
}

interface Case {
  name: string;
  request: (s: Seeded, tokens: Record<'alice' | 'bob', string>) => Request;
  /** Whether the lane answers it (else yoga does, with the body the lane read). */
  lane: boolean;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const cases: Case[] = [
  { name: 'anonymous list', request: () => ({ body: { query: POSTS } }), lane: true },
  { name: 'anonymous list with variables', request: () => ({ body: { query: POSTS, variables: { take: 2 }, operationName: 'Posts' } }), lane: true },
  ...(['alicePublished', 'aliceDraft', 'bobDraft'] as const).map((post) => ({
    name: `alice (bearer) reads ${post}`,
    request: (s: Seeded, tokens: Record<'alice' | 'bob', string>) => ({ body: { query: POST, variables: { id: s.posts[post] } }, headers: bearer(tokens.alice) }),
    lane: true,
  })),
  { name: 'bob (bearer) lists posts', request: (_s, tokens) => ({ body: { query: POSTS }, headers: bearer(tokens.bob) }), lane: true },
  { name: 'bob (cookie) lists posts', request: (_s, tokens) => ({ body: { query: POSTS }, headers: { cookie: `${sessionCookieName({ secureCookies: false })}=${tokens.bob}` } }), lane: true },
  { name: 'Accept: application/graphql-response+json', request: () => ({ body: { query: POSTS }, headers: { accept: 'application/graphql-response+json' } }), lane: true },
  { name: 'Accept: */*', request: () => ({ body: { query: POSTS }, headers: { accept: '*/*' } }), lane: true },
  { name: 'an allowed Origin', request: () => ({ body: { query: POSTS }, headers: { origin: ORIGIN } }), lane: true },
  { name: 'another Origin', request: () => ({ body: { query: POSTS }, headers: { origin: 'https://evil.example' } }), lane: true },
  { name: 'Accept: text/event-stream', request: () => ({ body: { query: POSTS }, headers: { accept: 'text/event-stream' } }), lane: false },
  { name: 'Accept: a charset other than utf-8', request: () => ({ body: { query: POSTS }, headers: { accept: 'application/json; charset=latin1' } }), lane: false },
  { name: 'take over the limit', request: () => ({ body: { query: POSTS, variables: { take: 100_000 } } }), lane: false },
  { name: 'nested pages within the cost limit', request: () => ({ body: { query: NESTED, variables: { n: 2 } } }), lane: true },
  { name: 'the same text over the cost limit', request: () => ({ body: { query: NESTED, variables: { n: 100 } } }), lane: false },
  { name: 'a variable of the wrong type', request: () => ({ body: { query: POSTS, variables: { take: 'two' } } }), lane: false },
  { name: 'an unknown operation name', request: () => ({ body: { query: POSTS, operationName: 'Other' } }), lane: false },
  { name: 'an invalid bearer token', request: () => ({ body: { query: POSTS }, headers: bearer('nope') }), lane: false },
  { name: 'a mutation', request: () => ({ body: { query: 'mutation { deletePost(where: { id: -1 }) { id } }' } }), lane: false },
  { name: 'a body that is not JSON', request: () => ({ body: '{"query": "{ posts { id } }"' }), lane: false },
  { name: 'variables that are not an object', request: () => ({ body: { query: POSTS, variables: [1] } }), lane: false },
  { name: 'the admin secret', request: () => ({ body: { query: POSTS }, headers: { 'x-strata-admin-secret': 'wrong' } }), lane: false },
];

/** What must be equal between the two servers: status, the headers a client reads, the JSON (whitespace aside). */
async function observe(response: Response) {
  const text = await response.text();
  let json: string;
  try {
    json = JSON.stringify(JSON.parse(text));
  } catch {
    json = text;
  }
  const headers = Object.fromEntries(
    ['content-type', 'vary', 'access-control-allow-origin', 'access-control-allow-credentials', 'retry-after', 'www-authenticate'].map((h) => [h, response.headers.get(h)]),
  );
  return { status: response.status, headers, cookies: response.headers.getSetCookie().length, json };
}

describe.each(providers)('the read lane in front of yoga (%s)', (provider) => {
  let t: TestApp;
  let s: Seeded;
  let tokens: Record<'alice' | 'bob', string>;
  let laneServer: Listening;
  let generalServer: Listening;
  let handedOver = 0;

  beforeAll(async () => {
    t = await createTestApp(provider, { rules: true, env: { STRATA_CORS_ORIGINS: ORIGIN, STRATA_ADMIN_SECRET: 'secret-secret-secret-secret' } });
    s = await seed(t);
    const { app } = t;
    const sessions = app.auth.sessions!;
    tokens = { alice: (await sessions.create(s.users.alice)).token, bob: (await sessions.create(s.users.bob)).token };
    const parts = { schema: app.schema, prisma: app.db.prisma, log: app.log, auth: app.auth, realtime: app.realtime, functions: app.functions, storage: app.storage, limits: null };
    const engine = createReadEngine(app.schema.extensions.strataGenerator as Generator, { isAdmin: (ctx) => isAdmin(ctx.viewer), readRows: app.db.readRows });
    const documents = new LaneDocuments();
    const yoga = createStrataYoga({ ...parts, config: app.config, reads: { engine, documents } });
    const next = (req: IncomingMessage, res: ServerResponse) => {
      handedOver += 1;
      void yoga(req, res);
    };
    const lane = createReadLane({ config: app.config, schema: app.schema, engine, documents, prisma: app.db.prisma, log: app.log, changes: app.realtime, auth: app.auth, limits: null }, next);
    laneServer = await listen(lane, '127.0.0.1', 0);
    generalServer = await listen(createStrataYoga({ ...parts, config: { ...app.config, readEngine: 'off' } }), '127.0.0.1', 0);
  });

  afterAll(async () => {
    await laneServer?.close();
    await generalServer?.close();
    await t?.close();
  });

  const send = (server: Listening, { body, headers }: Request) =>
    fetch(`${server.url}${t.app.config.graphqlPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it.each(cases)('$name: answered like the general path', async ({ request, lane }) => {
    const req = request(s, tokens);
    // The first request of a text goes through yoga, whose compiled reads hand the text to the lane.
    await (await send(laneServer, req)).text();
    const before = handedOver;
    const fast = await observe(await send(laneServer, req));
    expect(handedOver - before, lane ? 'answered by the lane' : 'handed over to yoga').toBe(lane ? 0 : 1);
    expect(fast).toEqual(await observe(await send(generalServer, req)));
  });

  it('hands a text it has not seen to yoga, and answers it from then on', async () => {
    const req = { body: { query: '{ users(orderBy: [{ id: asc }]) { id name } }' } };
    for (const expected of [1, 0, 0]) {
      const before = handedOver;
      const fast = await observe(await send(laneServer, req));
      expect(handedOver - before).toBe(expected);
      expect(fast).toEqual(await observe(await send(generalServer, req)));
    }
  });

  it('answers each seeded post to each actor as the general path does', async () => {
    for (const token of [undefined, tokens.alice, tokens.bob]) {
      for (const id of Object.values(s.posts)) {
        const req = { body: { query: POST, variables: { id } }, headers: token ? bearer(token) : {} };
        expect(await observe(await send(laneServer, req))).toEqual(await observe(await send(generalServer, req)));
      }
    }
  });

  it('answers a signed-in three-level read with row and field rules in one statement, its session kept', async () => {
    const query = '{ users(orderBy: [{ id: asc }]) { email posts(orderBy: [{ id: asc }]) { id comments(orderBy: [{ id: asc }]) { id author { email } } } } }';
    const req = { body: { query }, headers: bearer(tokens.alice) };
    await (await send(laneServer, req)).text();
    const before = { statements: t.app.db.statements.count, handedOver };
    const fast = await observe(await send(laneServer, req));
    expect({ statements: t.app.db.statements.count - before.statements, handedOver: handedOver - before.handedOver }).toEqual({ statements: 1, handedOver: 0 });
    expect(fast).toEqual(await observe(await send(generalServer, req)));
  });

  it('writes the JSON the database built (only whitespace may differ)', async () => {
    const req = { body: { query: POSTS } };
    const text = await (await send(laneServer, req)).text();
    const general = await (await send(generalServer, req)).text();
    expect(JSON.stringify(JSON.parse(text))).toBe(general);
  });
});

describe('responseMediaType', () => {
  it.each([
    [undefined, 'application/json'],
    ['*/*', 'application/json'],
    ['application/json', 'application/json'],
    ['application/graphql-response+json', 'application/graphql-response+json'],
    ['application/graphql-response+json, application/json', 'application/graphql-response+json'],
    ['application/json, application/graphql-response+json', 'application/json'],
    ['application/*', 'application/json'],
    ['text/event-stream', null],
    ['multipart/mixed', null],
    ['text/html', null],
    ['application/json; charset=iso-8859-1', null],
    ['text/event-stream, application/json', 'application/json'],
  ])('Accept %s → %s', (accept, type) => {
    expect(responseMediaType(accept)).toBe(type);
  });
});
