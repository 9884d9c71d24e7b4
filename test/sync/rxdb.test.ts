import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers, type TestDatabase } from '../support/databases.ts';
import type { Instance } from '../realtime/support/realtime-instance.ts';
import { type Device, type NoteDoc, startDevice } from './support/rx-device.ts';
import { createSyncDatabase, signIn, startSyncServer } from './support/sync-server.ts';

const titles = (docs: Map<string, NoteDoc>) => [...docs.values()].map((d) => d.title);

describe.each(providers)('RxDB clients replicating through Strata (%s)', (provider) => {
  let db: TestDatabase;
  let server: Instance;
  let alice: { id: number; token: string };
  let bob: { id: number; token: string };
  const devices: Device[] = [];
  const device = async (options: Omit<Parameters<typeof startDevice>[0], 'port'> = {}) => {
    const d = await startDevice({ port: (server.listening.server.address() as { port: number }).port, token: alice.token, ...options });
    devices.push(d);
    return d;
  };

  beforeAll(async () => {
    db = await createSyncDatabase(provider);
    server = await startSyncServer(db.url);
    alice = await signIn(server, 'alice@example.com');
    bob = await signIn(server, 'bob@example.com');
  }, 60_000);
  afterAll(async () => {
    for (const d of devices) await d.close().catch(() => {});
    await server?.close();
    await db?.drop();
  });

  it('pulls a few hundred existing rows into a new device, then streams new ones live', async () => {
    const seeder = await device();
    await seeder.collection.bulkInsert(Array.from({ length: 300 }, (_, i) => ({ id: randomUUID(), title: `seed ${i}` })));
    await seeder.replication.awaitInSync();
    expect(await server.app.db.prisma.note.count()).toBe(300);
    const fresh = await device({ token: bob.token });
    await fresh.until((docs) => docs.size === 300, 'the initial pull of 300 rows');
    await seeder.collection.insert({ id: randomUUID(), title: 'live one' });
    await fresh.until((docs) => titles(docs).includes('live one'), 'the live row');
  });

  it('keeps edits made offline and pushes them on reconnect', async () => {
    const laptop = await device();
    const phone = await device({ token: bob.token });
    const id = randomUUID();
    await laptop.collection.insert({ id, title: 'draft' });
    await phone.until((docs) => docs.get(id)?.title === 'draft', 'the draft on the phone');
    laptop.offline();
    const created = randomUUID();
    await (await laptop.collection.findOne(id).exec())!.incrementalPatch({ title: 'edited offline', done: true });
    await laptop.collection.insert({ id: created, title: 'created offline' });
    expect((await server.app.db.prisma.note.findUnique({ where: { id } }))!.title).toBe('draft');
    laptop.online();
    await laptop.replication.awaitInSync();
    await phone.until((docs) => docs.get(id)?.title === 'edited offline' && docs.get(id)?.done === true && docs.has(created), 'the offline edits on the phone');
  });

  it('removes a row deleted while another device was closed', async () => {
    const a = await device();
    const b = await device();
    const id = randomUUID();
    await a.collection.insert({ id, title: 'doomed' });
    await b.until((docs) => docs.has(id), 'the row on b');
    await b.stop();
    await (await a.collection.findOne(id).exec())!.remove();
    await a.replication.awaitInSync();
    expect(await server.app.db.prisma.note.findUnique({ where: { id } })).toBeNull();
    b.start();
    await b.until((docs) => !docs.has(id), 'the row to disappear from b');
  });

  it('removes a note made private from the offline device of another user, and keeps it for its owner', async () => {
    const mine = await device({ token: alice.token });
    const theirs = await device({ token: bob.token });
    const id = randomUUID();
    await mine.collection.insert({ id, title: 'shared for now', ownerId: alice.id });
    await theirs.until((docs) => docs.has(id), 'the shared note on bob\'s device');
    theirs.offline();
    await (await mine.collection.findOne(id).exec())!.incrementalPatch({ private: true });
    await mine.replication.awaitInSync();
    expect((await server.app.db.prisma.note.findUnique({ where: { id } }))!.private).toBe(true);
    theirs.online();
    await theirs.until((docs) => !docs.has(id), 'the private note to leave bob\'s device');
    expect((await mine.docs()).get(id)?.private).toBe(true);
  });

  describe('the same row edited on two offline devices', () => {
    /** Both devices hold `id`, go offline, edit it; `first` reconnects and syncs, then `second`. */
    async function editTwice(model: string, first: Partial<NoteDoc>, second: Partial<NoteDoc>, conflictHandler?: Parameters<typeof startDevice>[0]['conflictHandler']) {
      const a = await device({ model, conflictHandler });
      const b = await device({ model, conflictHandler });
      const id = randomUUID();
      await a.collection.insert({ id, title: 'original', body: 'original', done: false });
      // Both hold the server's version (with its defaults and updatedAt) before going offline.
      for (const d of [a, b]) await d.until((docs) => docs.get(id)?.title === 'original' && (model !== 'Note' || !!docs.get(id)?.updatedAt), 'the server version on both devices');
      a.offline();
      b.offline();
      await (await a.collection.findOne(id).exec())!.incrementalPatch(first);
      await (await b.collection.findOne(id).exec())!.incrementalPatch(second);
      a.online();
      await a.replication.awaitInSync();
      b.online();
      await b.replication.awaitInSync();
      return { a, b, id };
    }
    const converged = async (devices: Device[], id: string, test: (doc: NoteDoc | undefined) => boolean, what: string) => {
      for (const d of devices) await d.until((docs) => test(docs.get(id)), what);
    };

    it('reject: the server returns the master state and the client handler merges both titles', async () => {
      const { a, b, id } = await editTwice('Note', { title: 'from a' }, { title: 'from b' }, {
        isEqual: (x, y) => (['title', 'body', 'done', 'private', 'updatedAt'] as const).every((f) => x[f] === y[f]) && !!x._deleted === !!y._deleted,
        resolve: async ({ realMasterState, newDocumentState }) => ({ ...realMasterState, title: `${realMasterState.title} + ${newDocumentState.title}` }),
      });
      expect(b.conflicts).toBeGreaterThan(0);
      await converged([a, b], id, (d) => d?.title === 'from a + from b', 'both titles on both devices');
    });

    it('merge: edits of different fields are both kept', async () => {
      const { a, b, id } = await editTwice('MergeNote', { title: 'from a' }, { body: 'from b' });
      await converged([a, b], id, (d) => d?.title === 'from a' && d?.body === 'from b', 'the merged row on both devices');
      expect(b.conflicts).toBe(0);
    });

    it('last-writer-wins: the last push wins', async () => {
      const { a, b, id } = await editTwice('LwwNote', { title: 'from a' }, { title: 'from b' });
      await converged([a, b], id, (d) => d?.title === 'from b', 'the last write on both devices');
    });

    it('a function: resolved on the server by the app\'s rule', async () => {
      const { a, b, id } = await editTwice('FnNote', { title: 'from a' }, { title: 'from b' });
      await converged([a, b], id, (d) => d?.title === 'from a | from b', 'the resolved row on both devices');
    });
  });
});
