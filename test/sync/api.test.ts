import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import { providers } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { prepareAppSchema } from '../../src/server/prepare-app-schema.ts';
import { readDatamodel } from '../../src/base/datamodel.ts';
import { createSync } from '../../src/sync/create-sync.ts';
import { ChangeLog } from '../../src/sync/change-log.ts';
import { deferred } from '../support/deferred.ts';
import { loadConfig } from '../../src/base/config.ts';

const schemaPath = path.resolve('test/sync/fixtures/prisma/schema.prisma');
const PULL = 'query ($checkpoint: JSON, $limit: Int!) { pullNote(checkpoint: $checkpoint, limit: $limit) { documents checkpoint } }';
const PUSH = 'mutation ($rows: [SyncPushRow!]!) { pushNote(rows: $rows) { conflicts refusals { id code message } } }';

describe.each(providers)('sync API (%s)', (provider) => {
  let t: TestApp;
  let alice: Viewer;
  let bob: Viewer;

  beforeAll(async () => {
    t = await createTestApp(provider, { schemaPath, rules: true });
    const a = await t.prisma.user.create({ data: { email: 'alice@example.com' } });
    const b = await t.prisma.user.create({ data: { email: 'bob@example.com' } });
    alice = { kind: 'user', id: a.id, role: 'USER' } as Viewer;
    bob = { kind: 'user', id: b.id, role: 'USER' } as Viewer;
  }, 60_000);
  afterAll(() => t?.close());

  it('pulls pushed rows, then their changes and deletions from the checkpoint', async () => {
    const pushed = await t.as(alice)(PUSH, { rows: [{ newDocumentState: { id: 'n1', title: 'one', ownerId: alice.kind === 'user' ? alice.id : 0 } }, { newDocumentState: { id: 'n2', title: 'two' } }] });
    expect(pushed.errors).toBeUndefined();
    expect(pushed.data!.pushNote).toEqual({ conflicts: [], refusals: [] });
    const first = await t.as(bob)(PULL, { checkpoint: null, limit: 10 });
    expect(first.errors).toBeUndefined();
    expect(first.data!.pullNote.documents.map((d: any) => d.id).sort()).toEqual(['n1', 'n2']);
    const master = first.data!.pullNote.documents.find((d: any) => d.id === 'n1');
    const cp = first.data!.pullNote.checkpoint;
    const again = await t.as(bob)(PULL, { checkpoint: cp, limit: 10 });
    expect(again.data!.pullNote.documents).toEqual([]);
    // alice edits n1 from the master bob saw; bob's stale push conflicts.
    const edit = await t.as(alice)(PUSH, { rows: [{ assumedMasterState: master, newDocumentState: { ...master, title: 'one!' } }] });
    expect(edit.data!.pushNote).toEqual({ conflicts: [], refusals: [] });
    const stale = await t.as(bob)(PUSH, { rows: [{ assumedMasterState: master, newDocumentState: { ...master, body: 'bob' } }, { newDocumentState: { id: 'n3' } }] });
    expect(stale.data!.pushNote.conflicts).toMatchObject([{ id: 'n1', title: 'one!', _deleted: false }]);
    expect(stale.data!.pushNote.refusals).toMatchObject([{ id: 'n3', code: 'BAD_USER_INPUT' }]);
    await t.prisma.note.delete({ where: { id: 'n2' } }).catch(() => {});
    const del = await t.as(alice)(PUSH, { rows: [{ assumedMasterState: first.data!.pullNote.documents.find((d: any) => d.id === 'n2'), newDocumentState: { id: 'n2', _deleted: true } }] });
    expect(del.data!.pushNote).toMatchObject({ refusals: [] });
    const next = await t.as(bob)(PULL, { checkpoint: cp, limit: 10 });
    expect(next.data!.pullNote.documents).toMatchObject([{ id: 'n1', title: 'one!' }]);
  });

  it('writes the good rows of a batch and rolls back only the refused one, without logging it', async () => {
    const before = (await t.as(alice)(PULL, { checkpoint: null, limit: 100 })).data!.pullNote.checkpoint;
    const rows = [{ newDocumentState: { id: 'good-1', title: 'good' } }, { newDocumentState: { id: 'bad-1', title: 'x', ownerId: 999_999 } }, { newDocumentState: { id: 'good-2', title: 'good' } }];
    const pushed = await t.as(alice)(PUSH, { rows });
    expect(pushed.data!.pushNote.refusals).toMatchObject([{ id: 'bad-1', code: 'NOT_FOUND' }]);
    expect(await t.prisma.note.findUnique({ where: { id: 'bad-1' } })).toBeNull();
    const after = await t.as(alice)(PULL, { checkpoint: before, limit: 100 });
    expect(after.data!.pullNote.documents.map((d: any) => d.id)).toEqual(['good-1', 'good-2']);
  });

  it('answers a create over a row hidden from the caller as a conflict with a gone row, and still writes the rest of the batch', async () => {
    const ownerId = alice.kind === 'user' ? alice.id : 0;
    await t.as(alice)(PUSH, { rows: [{ newDocumentState: { id: 'secret-1', title: 'mine', private: true, ownerId } }] });
    const pushed = await t.as(bob)(PUSH, { rows: [{ newDocumentState: { id: 'secret-1', title: 'guess' } }, { newDocumentState: { id: 'after-secret', title: 'fine' } }] });
    expect(pushed.data!.pushNote).toEqual({ conflicts: [{ id: 'secret-1', _deleted: true }], refusals: [] });
    expect((await t.prisma.note.findUnique({ where: { id: 'secret-1' } }))!.title).toBe('mine');
    expect(await t.prisma.note.findUnique({ where: { id: 'after-secret' } })).not.toBeNull();
  });

  it('records rows the database sets null on a delete (SetNull) as changes', async () => {
    const carol = await t.prisma.user.create({ data: { email: `carol${Date.now()}@example.com` } });
    const service = { kind: 'service' } as Viewer;
    await t.as(service)(PUSH, { rows: [{ newDocumentState: { id: `owned-${carol.id}`, title: 'owned', ownerId: carol.id } }] });
    const start = (await t.as(service)(PULL, { checkpoint: null, limit: 100 })).data!.pullNote.checkpoint;
    const deleted = await t.as(service)('mutation ($id: Int!) { deleteUser(where: { id: $id }) { id } }', { id: carol.id });
    expect(deleted.errors).toBeUndefined();
    const after = await t.as(service)(PULL, { checkpoint: start, limit: 100 });
    expect(after.data!.pullNote.documents).toMatchObject([{ id: `owned-${carol.id}`, ownerId: null, _deleted: false }]);
  });

  it('starts a full pull again from a checkpoint older than the retention', async () => {
    const current = (await t.as(alice)(PULL, { checkpoint: null, limit: 100 })).data!.pullNote;
    const stale = { ...current.checkpoint, at: Date.now() - 31 * 86_400_000 };
    const again = await t.as(alice)(PULL, { checkpoint: stale, limit: 100 });
    expect(again.data!.pullNote.documents.map((d: any) => d.id).sort()).toEqual(current.documents.map((d: any) => d.id).sort());
    expect(again.data!.pullNote.checkpoint.at).toBeGreaterThan(stale.at);
  });

  it('refuses a checkpoint it did not issue', async () => {
    const bad = await t.as(alice)(PULL, { checkpoint: { seq: 'x; DROP TABLE', at: 1 }, limit: 10 });
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it.runIf(provider === 'postgresql')('returns a change committed after a later one, once its transaction ends (never skipped)', async () => {
    const log = new ChangeLog('postgresql');
    const start = await log.head(t.prisma);
    const release = deferred();
    const appended = deferred();
    // Transaction A logs first (lower seq and txid) and stays open while B logs and commits.
    const a = t.prisma.$transaction(async (tx: any) => {
      await log.append(tx, [{ model: 'Probe', rowKey: 'a', deleted: false }], Date.now());
      appended.resolve();
      await release.promise;
    }, { timeout: 20_000 });
    await appended.promise;
    await t.prisma.$transaction(async (tx: any) => log.append(tx, [{ model: 'Probe', rowKey: 'b', deleted: false }], Date.now()));
    const first = await log.read(t.prisma, 'Probe', start, 10);
    expect(first.entries.map((e) => e.rowKey)).toEqual(['b']);
    expect(first.next.pending!.length).toBeGreaterThan(0);
    release.resolve();
    await a;
    const second = await log.read(t.prisma, 'Probe', first.next, 10);
    expect(second.entries.map((e) => e.rowKey)).toEqual(['a']);
    const third = await log.read(t.prisma, 'Probe', second.next, 10);
    expect(third.entries).toEqual([]);
  });

  it('prunes changes past retention but keeps the newest, so positions are never reused', async () => {
    const log = new ChangeLog(provider);
    const removed = await log.prune(t.prisma, Date.now() + 60_000);
    expect(removed).toBeGreaterThan(0);
    expect(await t.prisma.strataSyncChange.count()).toBe(1);
  });
});

describe('opting in', () => {
  it('reads the change log retention from STRATA_SYNC_RETENTION (seconds) and reports a bad value', () => {
    expect(loadConfig({ STRATA_ENV: 'test' }).sync.retentionSeconds).toBe(2_592_000);
    expect(loadConfig({ STRATA_ENV: 'test', STRATA_SYNC_RETENTION: '3600' }).sync.retentionSeconds).toBe(3600);
    expect(() => loadConfig({ STRATA_ENV: 'test', STRATA_SYNC_RETENTION: 'soon' })).toThrow(/STRATA_SYNC_RETENTION must be an integer/);
  });

  it('refuses a @sync model with an autoincrement id at start-up, naming it', () => {
    const prepared = prepareAppSchema(path.resolve('test/sync/fixtures/autoincrement.prisma'), 'sqlite');
    const datamodel = readDatamodel(prepared.content, 'sqlite');
    expect(() => createSync(datamodel)).toThrow(/Model Counter is marked \/\/\/ @sync but uses an autoincrement id \(id\): sync models need a client-generated String id/);
  });
});
