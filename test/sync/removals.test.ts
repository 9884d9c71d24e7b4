import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDatamodel } from '../../src/base/datamodel.ts';
import { encodeValue } from '../../src/base/json.ts';
import { prepareAppSchema } from '../../src/server/prepare-app-schema.ts';
import { readableBefore } from '../../src/sync/readable-before.ts';
import { withSyncLog } from '../../src/sync/with-sync-log.ts';
import type { ChangeLog, LogChange } from '../../src/sync/change-log.ts';
import type { ChangeEvent } from '../../src/base/change-event.ts';
import { noWriteHooks } from '../../src/hooks/write-hooks.ts';
import { providers, type TestDatabase } from '../support/databases.ts';
import type { Instance } from '../realtime/support/realtime-instance.ts';
import { sseSubscribe } from '../realtime/support/sse-client.ts';
import { createSyncDatabase, schemaPath, signIn, startSyncServer } from './support/sync-server.ts';

const PUSH = 'mutation ($rows: [SyncPushRow!]!) { pushNote(rows: $rows) { conflicts refusals { id code message } } }';
const PULL = 'query ($checkpoint: JSON, $limit: Int!) { pullNote(checkpoint: $checkpoint, limit: $limit) { documents checkpoint } }';
const UPDATE = 'mutation ($id: String!, $data: NoteUpdateInput!) { updateNote(where: { id: $id }, data: $data) { id } }';
const DELETE = 'mutation ($id: String!) { deleteNote(where: { id: $id }) { id } }';
const STREAM = 'subscription { streamNote { documents checkpoint resync } }';

type Actor = 'alice' | 'bob' | 'anonymous';
type Answer = 'document' | 'removal' | 'nothing';
type Doc = { id: string; _deleted: boolean };
const actors: Actor[] = ['alice', 'bob', 'anonymous'];

/** One GraphQL request over HTTP, as the holder of `token` (anonymous without). */
async function gql(url: string, token: string | undefined, query: string, variables: Record<string, unknown>) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const body = await (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) })).json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** What the answers say about `id` in the end: its last document, or nothing when it never appeared. */
function answerFor(docs: Doc[], id: string): Answer {
  const last = docs.filter((d) => d.id === id).at(-1);
  return !last ? 'nothing' : last._deleted ? 'removal' : 'document';
}

describe.each(providers)('sync removals reach only callers who could read the row (%s)', (provider) => {
  let db: TestDatabase;
  let server: Instance;
  const tokens: Record<Actor, string | undefined> = { alice: undefined, bob: undefined, anonymous: undefined };
  let aliceId = 0;
  const as = (actor: Actor, query: string, variables: Record<string, unknown> = {}) => gql(server.httpUrl, tokens[actor], query, variables);
  const create = (id: string, isPrivate: boolean) => as('alice', PUSH, { rows: [{ newDocumentState: { id, title: id, private: isPrivate, ownerId: aliceId } }] });
  const update = (id: string, data: Record<string, unknown>) => as('alice', UPDATE, { id, data });
  const remove = (id: string) => as('alice', DELETE, { id });

  /** Every document `actor` pulls from `checkpoint` until it is up to date (bounded), and the checkpoint then. */
  async function pullAll(actor: Actor, checkpoint: unknown, limit = 100): Promise<{ docs: Doc[]; checkpoint: unknown }> {
    const docs: Doc[] = [];
    for (let i = 0; i < 50; i++) {
      const { pullNote } = await as(actor, PULL, { checkpoint, limit });
      docs.push(...pullNote.documents);
      checkpoint = pullNote.checkpoint;
      if (pullNote.documents.length < limit) return { docs, checkpoint };
    }
    throw new Error('pull never caught up');
  }

  /** A stream of `actor`, once its position is known to be before the next write (a public row written after it arrived). */
  async function openStream(actor: Actor) {
    const stream = sseSubscribe(server.httpUrl, STREAM, {}, tokens[actor] ? { authorization: `Bearer ${tokens[actor]}` } : {});
    expect((await stream.next()).data.streamNote).toMatchObject({ resync: true });
    // The stream takes its position just after the resync: a row written before that would never come, so retry with another.
    for (let attempt = 0; attempt < 5; attempt++) {
      const ready = `ready-${randomUUID()}`;
      await create(ready, false);
      const batch = await stream.next(3_000).catch(() => null);
      if (batch?.data.streamNote.documents.some((d: Doc) => d.id === ready)) return stream;
    }
    throw new Error(`the stream of ${actor} never started`);
  }

  /** Everything a stream sent until the public row `marker` arrived (bounded). */
  async function streamedUntil(stream: ReturnType<typeof sseSubscribe>, marker: string): Promise<Doc[]> {
    for (let i = 0; i < 50; i++) {
      const docs = stream.received.flatMap((m: any) => m.data.streamNote.documents as Doc[]);
      if (docs.some((d) => d.id === marker)) return docs;
      await stream.next();
    }
    throw new Error('the marker row never came');
  }

  beforeAll(async () => {
    db = await createSyncDatabase(provider);
    server = await startSyncServer(db.url);
    const alice = await signIn(server, 'alice@example.com');
    aliceId = alice.id;
    tokens.alice = alice.token;
    tokens.bob = (await signIn(server, 'bob@example.com')).token;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  // Rows are alice's; bob and anonymous callers may read public notes only.
  const cases: { row: string; before?: (id: string) => Promise<unknown>; after: (id: string) => Promise<unknown>; expected: Record<Actor, Answer> }[] = [
    {
      row: 'private from creation, then edited',
      after: async (id) => (await create(id, true), await update(id, { title: 'edited' })),
      expected: { alice: 'document', bob: 'nothing', anonymous: 'nothing' },
    },
    {
      row: 'public, then made private',
      before: (id) => create(id, false),
      after: (id) => update(id, { private: true }),
      expected: { alice: 'document', bob: 'removal', anonymous: 'removal' },
    },
    { row: 'public, then deleted', before: (id) => create(id, false), after: remove, expected: { alice: 'removal', bob: 'removal', anonymous: 'removal' } },
    { row: 'private, then deleted', before: (id) => create(id, true), after: remove, expected: { alice: 'removal', bob: 'nothing', anonymous: 'nothing' } },
    {
      row: 'created and deleted while private',
      after: async (id) => (await create(id, true), await remove(id)),
      expected: { alice: 'removal', bob: 'nothing', anonymous: 'nothing' },
    },
  ];

  it('answers each changed row with a removal exactly when the caller could read it before, over pull and stream', async () => {
    const ids = cases.map(() => randomUUID());
    for (const [i, c] of cases.entries()) await c.before?.(ids[i]);
    const checkpoints = {} as Record<Actor, unknown>;
    const full = {} as Record<Actor, Doc[]>;
    for (const actor of actors) ({ checkpoint: checkpoints[actor], docs: full[actor] } = await pullAll(actor, null));
    const streams = {} as Record<Actor, ReturnType<typeof sseSubscribe>>;
    for (const actor of actors) streams[actor] = await openStream(actor);
    try {
      for (const [i, c] of cases.entries()) await c.after(ids[i]);
      const marker = `marker-${randomUUID()}`;
      await create(marker, false);
      const seen: string[] = [];
      const expected: string[] = [];
      for (const actor of actors) {
        // The full pull before counts too: a row the caller never could read appears in no answer at all.
        const pulled = [...full[actor], ...(await pullAll(actor, checkpoints[actor])).docs];
        const streamed = await streamedUntil(streams[actor], marker);
        for (const [i, c] of cases.entries()) {
          expected.push(`${actor} / ${c.row}: pull ${c.expected[actor]}, stream ${c.expected[actor]}`);
          seen.push(`${actor} / ${c.row}: pull ${answerFor(pulled, ids[i])}, stream ${answerFor(streamed, ids[i])}`);
        }
      }
      expect(seen).toEqual(expected);
    } finally {
      for (const actor of actors) streams[actor].abort();
    }
  });

  it('reads past a page of changes the caller is not told about instead of answering as if up to date', async () => {
    const { checkpoint } = await pullAll('bob', null);
    const hidden = Array.from({ length: 12 }, () => randomUUID());
    await as('alice', PUSH, { rows: hidden.map((id) => ({ newDocumentState: { id, title: 'secret', private: true, ownerId: aliceId } })) });
    const shown = randomUUID();
    await create(shown, false);
    const { pullNote } = await as('bob', PULL, { checkpoint, limit: 3 });
    expect(pullNote.documents.map((d: Doc) => d.id)).toEqual([shown]);
  });
});

describe('deciding whether a row was readable before it changed', () => {
  const datamodel = readDatamodel(prepareAppSchema(schemaPath, 'sqlite').content, 'sqlite');
  const note = datamodel.models.find((m) => m.name === 'Note')!;
  const row = { id: 'n', title: 't', body: '', done: false, private: true, ownerId: 7, updatedAt: new Date() };
  const rule = { OR: [{ private: false }, { ownerId: 7 }] };

  it('decides in memory on the recorded state, and never for a create', () => {
    expect(readableBefore(note, 'sqlite', rule, [encodeValue(row)])).toBe(true);
    expect(readableBefore(note, 'sqlite', { OR: [{ private: false }, { ownerId: 8 }] }, [encodeValue(row)])).toBe(false);
    expect(readableBefore(note, 'sqlite', rule, [encodeValue(null)])).toBe(false);
  });

  it('counts a state it cannot decide (a relation condition) or did not record as readable: a removal too many, never a row kept', () => {
    expect(readableBefore(note, 'sqlite', { owner: { email: { endsWith: '@example.com' } } }, [encodeValue(row)])).toBe(true);
    expect(readableBefore(note, 'sqlite', { ownerId: 8 }, [null])).toBe(true);
    expect(readableBefore(note, 'sqlite', { ownerId: 8 }, [encodeValue(null), encodeValue(row)])).toBe(false);
  });
});

describe('recording the state before each change', () => {
  it("keeps the committed state for a row's first change in a transaction only: states in between were never visible", async () => {
    const appended: LogChange[] = [];
    const log = { append: async (_tx: unknown, changes: LogChange[]) => void appended.push(...changes) } as unknown as ChangeLog;
    const hooks = withSyncLog(noWriteHooks, log, new Set(['Note']));
    const pub = { id: 'a', private: false };
    const priv = { id: 'a', private: true };
    const changes: ChangeEvent[] = [
      { model: 'Note', kind: 'UPDATED', key: { id: 'b' }, row: priv, previous: pub },
      { model: 'Note', kind: 'CREATED', key: { id: 'a' }, row: pub },
      { model: 'Note', kind: 'UPDATED', key: { id: 'a' }, row: priv, previous: pub },
      { model: 'Note', kind: 'DELETED', key: { id: 'b' }, row: priv },
      { model: 'Note', kind: 'UPDATED', key: { id: 'c' }, row: priv },
      { model: 'User', kind: 'CREATED', key: { id: 1 }, row: { id: 1 } },
    ];
    await hooks.beforeCommit({ changes, tx: {} as never });
    expect(appended.map((c) => [c.rowKey, c.deleted, c.before])).toEqual([
      ['b', false, encodeValue(pub)],
      ['a', false, 'null'],
      ['a', false, 'null'],
      ['b', true, 'null'],
      ['c', false, null],
    ]);
  });
});
