import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers, type TestDatabase } from '../support/databases.ts';
import type { Instance } from '../realtime/support/realtime-instance.ts';
import { type Device, startDevice } from './support/rx-device.ts';
import { createSyncDatabase, signIn, startSyncServer } from './support/sync-server.ts';
import { sseSubscribe } from '../realtime/support/sse-client.ts';

const PUSH = 'mutation ($rows: [SyncPushRow!]!) { pushNote(rows: $rows) { conflicts refusals { id code message } } }';
const PULL = 'query ($checkpoint: JSON, $limit: Int!) { pullNote(checkpoint: $checkpoint, limit: $limit) { documents checkpoint } }';

/** One GraphQL request over HTTP as the holder of `token`. */
async function gql(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const portOf = (server: Instance) => (server.listening.server.address() as { port: number }).port;

describe.each(providers)('sync under restarts, concurrent writers and load (%s)', (provider) => {
  let db: TestDatabase;
  let server: Instance;
  let alice: { id: number; token: string };
  const devices: Device[] = [];

  beforeAll(async () => {
    db = await createSyncDatabase(provider);
    server = await startSyncServer(db.url);
    alice = await signIn(server, 'alice@example.com');
  }, 60_000);
  afterAll(async () => {
    for (const d of devices) await d.close().catch(() => {});
    await server?.close();
    await db?.drop();
  });

  it('measures push and pull of 1,000 rows', async () => {
    const writer = await startDevice({ port: portOf(server), token: alice.token, model: 'MergeNote', batchSize: 100 });
    devices.push(writer);
    let started = performance.now();
    await writer.collection.bulkInsert(Array.from({ length: 1000 }, (_, i) => ({ id: randomUUID(), title: `row ${i}`, body: 'x'.repeat(100) })));
    await writer.replication.awaitInSync();
    const pushMs = performance.now() - started;
    expect(await server.app.db.prisma.mergeNote.count()).toBe(1000);
    started = performance.now();
    const reader = await startDevice({ port: portOf(server), token: alice.token, model: 'MergeNote', batchSize: 100 });
    devices.push(reader);
    await reader.until((docs) => docs.size === 1000, 'the pull of 1,000 rows', 60_000);
    const pullMs = performance.now() - started;
    console.log(`[sync figures ${provider}] push 1000 rows: ${pushMs.toFixed(0)} ms (${((1000 / pushMs) * 1000).toFixed(0)} rows/s); pull 1000 rows: ${pullMs.toFixed(0)} ms (${((1000 / pullMs) * 1000).toFixed(0)} rows/s)`);
  }, 120_000);

  it('serves the stream over SSE too: a resync first, then the changed rows', async () => {
    const stream = sseSubscribe(server.httpUrl, 'subscription { streamNote { documents checkpoint resync } }', {}, { authorization: `Bearer ${alice.token}` });
    try {
      expect((await stream.next()).data.streamNote).toMatchObject({ resync: true, documents: [] });
      const id = randomUUID();
      await gql(server.httpUrl, alice.token, PUSH, { rows: [{ newDocumentState: { id, title: 'over sse' } }] });
      for (let i = 0; i < 20; i++) {
        const batch = (await stream.next()).data.streamNote;
        if (batch.documents.some((d: { id: string }) => d.id === id)) return;
      }
      throw new Error('the row never came over SSE');
    } finally {
      stream.abort();
    }
  });

  it('resyncs a live device after a server restart, then keeps receiving', async () => {
    const device = await startDevice({ port: portOf(server), token: alice.token });
    devices.push(device);
    const before = randomUUID();
    await gql(server.httpUrl, alice.token, PUSH, { rows: [{ newDocumentState: { id: before, title: 'before the restart' } }] });
    await device.until((docs) => docs.has(before), 'the row written before the restart');
    await server.close();
    server = await startSyncServer(db.url);
    // Written while the device is still disconnected: it arrives through the resync pull.
    const during = randomUUID();
    await gql(server.httpUrl, alice.token, PUSH, { rows: [{ newDocumentState: { id: during, title: 'while away' } }] });
    // Every device of this file reaches the new server through its relay (the others reconnect too).
    for (const d of devices) d.relay.retarget(portOf(server));
    await device.until((docs) => docs.has(during), 'the row written while the device was away');
    const after = randomUUID();
    await gql(server.httpUrl, alice.token, PUSH, { rows: [{ newDocumentState: { id: after, title: 'after the restart' } }] });
    await device.until((docs) => docs.has(after), 'the row written after the restart, streamed');
  }, 60_000);

  it('never skips a change while concurrent writers commit out of order, over many rounds', async () => {
    const device = await startDevice({ port: portOf(server), token: alice.token, batchSize: 100 });
    devices.push(device);
    const ROUNDS = 5;
    const WRITERS = 4;
    const WRITES = 15;
    const seen = new Map<string, string>();
    let checkpoint: unknown = null;
    const pullAll = async () => {
      for (let page = 0; page < 1000; page++) {
        const { pullNote } = await gql(server.httpUrl, alice.token, PULL, { checkpoint, limit: 100 });
        for (const doc of pullNote.documents) seen.set(doc.id, doc._deleted ? '(deleted)' : doc.title);
        checkpoint = pullNote.checkpoint;
        if (pullNote.documents.length < 100) return;
      }
    };
    let pulls = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let writing = true;
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        const ids: string[] = [];
        for (let i = 0; i < WRITES; i++) {
          // Creates, and updates of rows created earlier in the round: both must arrive.
          const update = ids.length > 0 && i % 3 === 2;
          const id = update ? ids[i % ids.length] : randomUUID();
          if (!update) ids.push(id);
          const next = { id, title: `r${round} w${w} i${i}` };
          await gql(server.httpUrl, alice.token, PUSH, { rows: update ? await withMaster(id, next) : [{ newDocumentState: next }] });
        }
      });
      const puller = (async () => {
        while (writing) {
          await pullAll();
          pulls++;
        }
      })();
      await Promise.all(writers);
      writing = false;
      await puller;
      await pullAll();
      const rows: { id: string; title: string }[] = await server.app.db.prisma.note.findMany({ select: { id: true, title: true } });
      const expected = new Map(rows.map((r) => [r.id, r.title]));
      for (const [id, title] of expected) expect(seen.get(id), `row ${id} in round ${round}`).toBe(title);
    }
    const finalRows: { id: string; title: string }[] = await server.app.db.prisma.note.findMany({ select: { id: true, title: true } });
    const final = new Map(finalRows.map((r) => [r.id, r.title]));
    await device.until((docs) => final.size === docs.size && [...final].every(([id, title]) => docs.get(id)?.title === title), 'the device to hold every row as the server does', 60_000);
    console.log(`[sync figures ${provider}] concurrent writers: ${ROUNDS} rounds x ${WRITERS} writers x ${WRITES} writes, ${pulls} pull passes, ${final.size} rows, 0 changes lost`);

    /** The push row updating `id` from its current master state (read as the client would have it). */
    async function withMaster(id: string, next: Record<string, unknown>) {
      const current = await server.app.db.prisma.note.findUnique({ where: { id } });
      return [{ assumedMasterState: { ...current, updatedAt: current.updatedAt.toISOString(), _deleted: false }, newDocumentState: { ...current, updatedAt: current.updatedAt.toISOString(), ...next } }];
    }
  }, 180_000);
});
