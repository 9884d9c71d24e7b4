import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '../../src/storage/sweep.ts';
import { providers } from '../support/databases.ts';
import { createStorageTestApp, multipartForm, pngBytes, postMultipart, type StorageTestApp } from './storage-app.ts';

const HOUR = 3_600_000;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const FIELDS = 'id key size contentType checksum originalName width height url versions { version size checksum originalName width height replacedAt url }';
const UPLOAD = `mutation($f: Upload!, $public: Boolean) { uploadFile(file: $f, public: $public) { ${FIELDS} } }`;
const REPLACE = `mutation($id: String!, $f: Upload!, $name: String) { replaceFile(id: $id, file: $f, name: $name) { ${FIELDS} } }`;
const RESTORE = `mutation($id: String!, $v: Int!) { restoreFileVersion(id: $id, version: $v) { ${FIELDS} } }`;
const VERSIONS = 'query($id: String!) { file(where: { id: $id }) { id versions { version checksum url } } }';

type Actor = 'alice' | 'bob' | 'anonymous' | 'admin';

describe.each(providers)('file versions (%s)', (provider) => {
  let t: StorageTestApp;
  const as = (actor: Actor) => t.as(t.seeded.viewers[actor]);
  const png = (w: number, h: number) => pngBytes(w, h);
  const upload = async (bytes: Buffer, options: { actor?: Actor; public?: boolean } = {}) => {
    const res = await postMultipart(t, multipartForm(UPLOAD, { public: options.public ?? false }, { f: { name: 'first.png', type: 'image/png', body: bytes } }), options.actor ?? 'alice');
    expect(res.body.errors).toBeUndefined();
    return res.body.data.uploadFile;
  };
  const replace = (id: string, bytes: Buffer, actor: Actor = 'alice', name?: string) =>
    postMultipart(t, multipartForm(REPLACE, { id, name }, { f: { name: 'second.png', type: 'image/png', body: bytes } }), actor);
  const download = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
  const later = (ms: number) => new Date(Date.now() + ms);
  const defaults = { keep: 0, maxAge: 0 };

  beforeAll(async () => {
    t = await createStorageTestApp(provider, { STRATA_STORAGE_ORPHAN_GRACE_SECONDS: '3600' });
    defaults.keep = t.storage.config.versionsKeep;
    defaults.maxAge = t.storage.config.versionsMaxAgeSeconds;
  });
  afterEach(() => {
    t.storage.config.versionsKeep = defaults.keep;
    t.storage.config.versionsMaxAgeSeconds = defaults.maxAge;
  });
  afterAll(async () => t?.close());

  it('keeps the earlier content as a version when the owner replaces a file, downloadable by its own URL', async () => {
    const first = await png(20, 10);
    const second = await png(30, 15);
    const file = await upload(first);
    expect(file).toMatchObject({ width: 20, height: 10, versions: [] });
    const res = await replace(file.id, second, 'alice', 'renamed.png');
    expect(res.body.errors).toBeUndefined();
    const replaced = res.body.data.replaceFile;
    expect(replaced).toMatchObject({ id: file.id, checksum: sha256(second), size: String(second.length), width: 30, height: 15, originalName: 'renamed.png' });
    expect(replaced.key).not.toBe(file.key);
    expect(replaced.versions).toEqual([
      expect.objectContaining({ version: 1, checksum: sha256(first), size: String(first.length), originalName: 'first.png', width: 20, height: 10 }),
    ]);
    expect((await download(replaced.url)).equals(second)).toBe(true);
    expect((await download(replaced.versions[0].url)).equals(first)).toBe(true);
    expect(await t.objects()).toEqual(expect.arrayContaining([file.key, replaced.key]));
  });

  it('restores a version: its content is current again and the replaced content becomes the newest version', async () => {
    const first = await png(8, 8);
    const second = await png(9, 9);
    const file = await upload(first);
    const replaced = (await replace(file.id, second)).body.data.replaceFile;
    const res = await as('alice')(RESTORE, { id: file.id, v: 1 });
    expect(res.errors).toBeUndefined();
    const restored = res.data.restoreFileVersion;
    expect(restored).toMatchObject({ key: file.key, checksum: sha256(first), width: 8, originalName: 'first.png' });
    expect(restored.versions.map((v: any) => [v.version, v.checksum])).toEqual([[2, sha256(second)]]);
    expect((await download(restored.url)).equals(first)).toBe(true);
    // No bytes moved: both objects are still there, each owned by one row.
    expect(await t.objects()).toEqual(expect.arrayContaining([file.key, replaced.key]));
    // The restored number is gone; asking again is NOT_FOUND.
    expect((await as('alice')(RESTORE, { id: file.id, v: 1 })).errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('shows versions exactly to those who may read the file', async () => {
    const priv = await upload(await png(4, 4));
    await replace(priv.id, await png(5, 5));
    const pub = await upload(await png(4, 4), { public: true });
    await replace(pub.id, await png(5, 5));
    const cases: [Actor, string, number | null][] = [
      ['alice', priv.id, 1],
      ['admin', priv.id, 1],
      ['bob', priv.id, null],
      ['anonymous', priv.id, null],
      ['alice', pub.id, 1],
      ['bob', pub.id, 1],
      ['anonymous', pub.id, 1],
    ];
    for (const [actor, id, count] of cases) {
      const res = await as(actor)(VERSIONS, { id });
      expect(res.errors, `${actor} ${id}`).toBeUndefined();
      if (count === null) expect(res.data.file, `${actor}`).toBeNull();
      else expect(res.data.file.versions, `${actor}`).toHaveLength(count);
    }
    // Through a list too: bob's files() never holds alice's private file, so never its versions.
    const listed = await as('bob')('{ files { id versions { version } } }');
    expect(listed.data.files.map((f: any) => f.id)).not.toContain(priv.id);
    // A public file's versions stay public: their URLs are the permanent public ones.
    const anon = await as('anonymous')(VERSIONS, { id: pub.id });
    expect(anon.data.file.versions[0].url).toContain('/public/');
  });

  it('refuses replace and restore to everyone the update rule does not allow; a hidden file answers like a missing one', async () => {
    const priv = await upload(await png(4, 4));
    const pub = await upload(await png(4, 4), { public: true });
    await replace(pub.id, await png(6, 6));
    await replace(priv.id, await png(6, 6));
    const before = await t.objects();
    const restore = async (actor: Actor, id: string) => (await as(actor)(RESTORE, { id, v: 1 })).errors?.[0];
    const replaceError = async (actor: Actor, id: string) => (await replace(id, await png(7, 7), actor)).body.errors?.[0];
    const cases: [Actor, string, string][] = [
      ['bob', priv.id, 'NOT_FOUND'],
      ['bob', pub.id, 'FORBIDDEN'],
      ['bob', 'no-such-file', 'NOT_FOUND'],
      ['anonymous', pub.id, 'UNAUTHENTICATED'],
    ];
    for (const [actor, id, code] of cases) {
      for (const [name, attempt] of [['restore', restore], ['replace', replaceError]] as const) {
        const error = await attempt(actor, id);
        expect(error?.extensions.code, `${name} by ${actor} of ${id}`).toBe(code);
        if (code === 'NOT_FOUND') expect(error?.message).toBe('File not found');
      }
    }
    // Refused replaces left no object behind and changed nothing.
    expect(await t.objects()).toEqual(before);
    expect(await t.prisma.strataFileVersion.count({ where: { fileId: { in: [priv.id, pub.id] } } })).toBe(2);
    // The admin may do both.
    expect((await replace(priv.id, await png(7, 7), 'admin')).body.data.replaceFile.versions).toHaveLength(2);
    expect((await as('admin')(RESTORE, { id: priv.id, v: 1 })).data.restoreFileVersion.width).toBe(4);
  });

  it('keeps a public file public: a replacement is stored under public/ too', async () => {
    const file = await upload(await png(4, 4), { public: true });
    const replaced = (await replace(file.id, await png(5, 5))).body.data.replaceFile;
    expect(replaced.key).toMatch(/^public\//);
    expect(replaced.url).toContain(replaced.key);
  });

  it('keeps at most STRATA_FILE_VERSIONS_KEEP versions, deleting older rows and objects as it replaces', async () => {
    t.storage.config.versionsKeep = 2;
    const file = await upload(await png(4, 4));
    const keys = [file.key];
    for (let i = 0; i < 3; i++) keys.push((await replace(file.id, await png(5 + i, 5))).body.data.replaceFile.key);
    const res = await as('alice')(VERSIONS, { id: file.id });
    expect(res.data.file.versions.map((v: any) => v.version)).toEqual([3, 2]);
    const objects = await t.objects();
    expect(objects).not.toContain(keys[0]);
    expect(objects).toEqual(expect.arrayContaining(keys.slice(1)));
  });

  it('keeps no version with STRATA_FILE_VERSIONS_KEEP=0: the old content is deleted at once', async () => {
    t.storage.config.versionsKeep = 0;
    const file = await upload(await png(4, 4));
    const replaced = (await replace(file.id, await png(5, 5))).body.data.replaceFile;
    expect(replaced.versions).toEqual([]);
    expect(await t.objects()).not.toContain(file.key);
  });

  it('sweeps versions over a lowered limit, older than the age limit, or of deleted files; orphan sweeps spare live versions', async () => {
    const a = await upload(await png(4, 4));
    for (let i = 0; i < 3; i++) await replace(a.id, await png(5 + i, 5));
    const versionKeys = async (id: string) => (await t.prisma.strataFileVersion.findMany({ where: { fileId: id }, orderBy: { version: 'desc' } })).map((v: any) => v.key);
    const all = await versionKeys(a.id);
    expect(all).toHaveLength(3);
    // Live version objects are not orphans, however old.
    expect((await sweep(t.storage, { now: later(2 * HOUR) })).fileVersions).toBe(0);
    expect(await t.objects()).toEqual(expect.arrayContaining(all));

    // Other tests' files share the app: counts are at least this file's.
    t.storage.config.versionsKeep = 1;
    expect((await sweep(t.storage)).fileVersions).toBeGreaterThanOrEqual(2);
    expect(await versionKeys(a.id)).toEqual([all[0]]);
    const objects = await t.objects();
    expect(objects).not.toContain(all[1]);
    expect(objects).not.toContain(all[2]);

    t.storage.config.versionsMaxAgeSeconds = 3600;
    expect((await sweep(t.storage, { now: new Date() })).fileVersions).toBe(0);
    expect((await sweep(t.storage, { now: later(2 * HOUR) })).fileVersions).toBeGreaterThanOrEqual(1);
    expect(await versionKeys(a.id)).toEqual([]);
    expect(await t.objects()).not.toContain(all[0]);

    // A row deleted behind Strata's back (a database cascade) leaves versions the sweep removes.
    t.storage.config.versionsMaxAgeSeconds = 0;
    const b = await upload(await png(4, 4));
    await replace(b.id, await png(5, 5));
    const [orphanVersion] = await versionKeys(b.id);
    await t.prisma.file.delete({ where: { id: b.id } });
    expect((await sweep(t.storage)).fileVersions).toBe(1);
    expect(await t.objects()).not.toContain(orphanVersion);
  });

  it('deletes the versions with their file, rows and objects, before answering', async () => {
    const file = await upload(await png(4, 4));
    await replace(file.id, await png(5, 5));
    const [version] = await t.prisma.strataFileVersion.findMany({ where: { fileId: file.id } });
    const res = await as('alice')('mutation($id: String!) { deleteFile(where: { id: $id }) { id } }', { id: file.id });
    expect(res.errors).toBeUndefined();
    expect(await t.prisma.strataFileVersion.count({ where: { fileId: file.id } })).toBe(0);
    expect(await t.objects()).not.toContain(version.key);
  });

  it('loses no content when replaces race: each one that succeeded left the content it replaced as a version', async () => {
    const file = await upload(await png(4, 4));
    const bodies = await Promise.all([10, 11, 12, 13].map((w) => png(w, 4)));
    const results = await Promise.all(bodies.map((body) => replace(file.id, body)));
    const won = results.filter((r) => !r.body.errors).map((r) => r.body.data.replaceFile);
    for (const lost of results.filter((r) => r.body.errors)) expect(lost.body.errors[0].extensions.code).toBe('CONFLICT');
    expect(won.length).toBeGreaterThanOrEqual(1);
    const now = (await as('alice')(`query($id: String!) { file(where: { id: $id }) { key versions { version } } }`, { id: file.id })).data.file;
    const versions = await t.prisma.strataFileVersion.findMany({ where: { fileId: file.id }, orderBy: { version: 'asc' } });
    expect(versions).toHaveLength(won.length);
    // Every key that was ever current is either current or a version; nothing in between.
    const held = new Set([now.key, ...versions.map((v: any) => v.key)]);
    expect(held).toEqual(new Set([file.key, ...won.map((w) => w.key)]));
    const objects = await t.objects();
    for (const key of held) expect(objects).toContain(key);
  });

  it('lists the versions of many files in a constant number of statements', async () => {
    for (let i = 0; i < 3; i++) await replace((await upload(await png(4, 4))).id, await png(5, 5));
    const count = async (query: string) => {
      let res: any;
      const statements = await t.countStatements(async () => {
        res = await as('alice')(query);
      });
      expect(res.errors).toBeUndefined();
      return { statements, files: res.data.files.length };
    };
    const plain = await count('{ files { id } }');
    const withVersions = await count('{ files { id versions { version } } }');
    expect(plain.files).toBeGreaterThanOrEqual(3);
    // One batched visibility check and one batched version read, whatever the number of files.
    expect(withVersions.statements - plain.statements).toBeLessThanOrEqual(2);
  });

  describe('direct (presigned) replacement', () => {
    const START = 'mutation($id: String!, $type: String!, $size: BigInt!, $name: String) { createReplaceUrl(id: $id, contentType: $type, size: $size, name: $name) { url method headers { name value } file { id key } } }';
    const COMPLETE = `mutation($id: String!) { completeReplace(id: $id) { ${FIELDS} } }`;
    const start = (actor: Actor, id: string, bytes: Buffer, type = 'image/png') => as(actor)(START, { id, type, size: bytes.length, name: 'direct.png' });
    const put = (tk: any, bytes: Buffer) =>
      fetch(tk.url, { method: tk.method, headers: Object.fromEntries(tk.headers.map((h: any) => [h.name, h.value])), body: new Uint8Array(bytes) });

    it('replaces the content with bytes PUT to S3, keeping the old content as a version', async () => {
      const first = await png(6, 6);
      const second = await png(64, 32);
      const file = await upload(first);
      const tk = (await start('alice', file.id, second)).data.createReplaceUrl;
      expect(tk.file).toEqual({ id: file.id, key: file.key });
      expect((await put(tk, second)).status).toBe(200);
      const res = await as('alice')(COMPLETE, { id: file.id });
      expect(res.errors).toBeUndefined();
      expect(res.data.completeReplace).toMatchObject({ checksum: sha256(second), width: 64, height: 32, originalName: 'direct.png' });
      expect(res.data.completeReplace.versions.map((v: any) => v.checksum)).toEqual([sha256(first)]);
      expect((await download(res.data.completeReplace.url)).equals(second)).toBe(true);
      // Completing again: nothing is pending any more.
      expect((await as('alice')(COMPLETE, { id: file.id })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('is refused to whoever may not update the file, and completed only by whoever started it', async () => {
      const priv = await upload(await png(4, 4));
      const pub = await upload(await png(4, 4), { public: true });
      const bytes = await png(5, 5);
      for (const [actor, id, code] of [['bob', priv.id, 'NOT_FOUND'], ['bob', pub.id, 'FORBIDDEN'], ['anonymous', pub.id, 'UNAUTHENTICATED'], ['bob', 'missing', 'NOT_FOUND']] as const) {
        expect((await start(actor, id, bytes)).errors?.[0].extensions.code, `start by ${actor}`).toBe(code);
        expect((await as(actor)(COMPLETE, { id })).errors?.[0].extensions.code, `complete by ${actor}`).toBe(code);
      }
      const tk = (await start('admin', priv.id, bytes)).data.createReplaceUrl;
      await put(tk, bytes);
      expect((await as('alice')(COMPLETE, { id: priv.id })).errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect((await as('admin')(COMPLETE, { id: priv.id })).data.completeReplace.width).toBe(5);
    });

    it('deletes bytes that do not match what was declared, leaving the file as it was', async () => {
      const file = await upload(await png(4, 4));
      const declared = await png(5, 5);
      const tk = (await start('alice', file.id, declared)).data.createReplaceUrl;
      // Completing before the PUT keeps the pending replacement: the client may still upload.
      expect((await as('alice')(COMPLETE, { id: file.id })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      const wrong = Buffer.alloc(declared.length, 'x');
      await put(tk, wrong);
      const key = (await t.prisma.strataFileReplacement.findUnique({ where: { fileId: file.id } })).key;
      const res = await as('alice')(COMPLETE, { id: file.id });
      expect(res.errors?.[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(await t.prisma.strataFileReplacement.findUnique({ where: { fileId: file.id } })).toBeNull();
      expect(await t.objects()).not.toContain(key);
      const now = (await as('alice')(VERSIONS, { id: file.id })).data.file;
      expect(now.versions).toEqual([]);
      expect((await t.prisma.file.findUnique({ where: { id: file.id } })).key).toBe(file.key);
    });

    it('sweeps replacements never completed, row and object, and never the file', async () => {
      const file = await upload(await png(4, 4));
      const bytes = await png(5, 5);
      const tk = (await start('alice', file.id, bytes)).data.createReplaceUrl;
      await put(tk, bytes);
      const key = (await t.prisma.strataFileReplacement.findUnique({ where: { fileId: file.id } })).key;
      expect(await t.objects()).toContain(key);
      await sweep(t.storage, { now: later(2 * HOUR) });
      expect(await t.prisma.strataFileReplacement.findUnique({ where: { fileId: file.id } })).toBeNull();
      const objects = await t.objects();
      expect(objects).not.toContain(key);
      expect(objects).toContain(file.key);
      expect((await as('alice')(COMPLETE, { id: file.id })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });
  });

  it('refuses to replace a pending upload', async () => {
    const bytes = await png(3, 3);
    const pending = await as('alice')('mutation($size: BigInt!) { createUploadUrl(contentType: "image/png", size: $size, name: "p.png") { file { id } } }', { size: bytes.length });
    const res = await replace(pending.data.createUploadUrl.file.id, bytes);
    expect(res.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
