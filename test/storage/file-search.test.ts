import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createStorageTestApp, multipartForm, pngBytes, postMultipart, type StorageTestApp } from './storage-app.ts';

const UPLOAD = 'mutation($f: Upload!, $public: Boolean, $metadata: JSON) { uploadFile(file: $f, public: $public, metadata: $metadata) { id width height contentType size } }';

type Actor = 'alice' | 'bob' | 'anonymous' | 'admin';

describe.each(providers)('file metadata and search (%s)', (provider) => {
  let t: StorageTestApp;
  const as = (actor: Actor) => t.as(t.seeded.viewers[actor]);
  const tag = `run-${provider}`;
  const upload = async (body: Buffer, options: { name?: string; type?: string; actor?: Actor; public?: boolean; metadata?: unknown } = {}) => {
    const res = await postMultipart(
      t,
      multipartForm(UPLOAD, { public: options.public ?? false, metadata: options.metadata ?? null }, { f: { name: options.name ?? 'a.png', type: options.type ?? 'image/png', body } }),
      options.actor ?? 'alice',
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data.uploadFile;
  };
  const ids = (res: any) => {
    expect(res.errors).toBeUndefined();
    return res.data.files.map((f: any) => f.id);
  };
  let files: Record<string, any>;

  beforeAll(async () => {
    t = await createStorageTestApp(provider);
    const sharp = (await import('sharp')).default;
    // A photo taken sideways: stored 40 × 20 with EXIF orientation 6, shown 20 × 40.
    const rotated = await sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 0, g: 0, b: 0 } } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    files = {
      wide: await upload(await pngBytes(300, 100), { metadata: { tag, camera: { model: 'Canon EOS' }, rating: 5 } }),
      small: await upload(await pngBytes(10, 10), { metadata: { tag, camera: { model: 'Nikon Z' }, rating: 3 } }),
      rotated: await upload(rotated, { name: 'r.jpg', type: 'image/jpeg', metadata: { tag, camera: { model: 'Canon R5' } } }),
      text: await upload(Buffer.from('hello, world\n'), { name: 'a.txt', type: 'text/plain', metadata: { tag, kind: 'notes' } }),
      bobs: await upload(await pngBytes(200, 200), { actor: 'bob', metadata: { tag, camera: { model: 'Canon EOS' } } }),
      bobsPublic: await upload(await pngBytes(50, 50), { actor: 'bob', public: true, metadata: { tag, camera: { model: 'Canon EOS' } } }),
    };
  });
  afterAll(async () => t?.close());

  it('records the displayed pixel size of images, EXIF orientation applied, and none for other files', () => {
    expect(files.wide).toMatchObject({ width: 300, height: 100 });
    expect(files.rotated).toMatchObject({ width: 20, height: 40, contentType: 'image/jpeg' });
    expect(files.text).toMatchObject({ width: null, height: null, contentType: 'text/plain' });
  });

  it('records the size of a presigned upload when it is completed', async () => {
    const png = await pngBytes(33, 17);
    const created = await as('alice')('mutation($size: BigInt!) { createUploadUrl(contentType: "image/png", size: $size, name: "p.png") { url headers { name value } file { id width } } }', { size: png.length });
    const tk = created.data.createUploadUrl;
    expect(tk.file.width).toBeNull();
    await fetch(tk.url, { method: 'PUT', headers: Object.fromEntries(tk.headers.map((h: any) => [h.name, h.value])), body: new Uint8Array(png) });
    const done = await as('alice')('mutation($id: String!) { completeUpload(id: $id) { width height } }', { id: tk.file.id });
    expect(done.data.completeUpload).toEqual({ width: 33, height: 17 });
  });

  it('lets no client set the dimensions', async () => {
    for (const actor of ['alice', 'admin'] as const) {
      const res = await as(actor)('mutation($id: String!) { updateFile(where: { id: $id }, data: { width: 1 }) { id } }', { id: files.wide.id });
      expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
    }
  });

  it('filters and orders by content type, size and dimensions, under the read rule', async () => {
    const query = 'query($where: FileWhereInput, $orderBy: [FileOrderByInput!]) { files(where: $where, orderBy: $orderBy) { id } }';
    const mine = { metadata: { path: ['tag'], equals: tag } };
    const images = { AND: [mine, { contentType: { startsWith: 'image/' } }, { width: { gte: 20 } }] };
    expect(ids(await as('alice')(query, { where: images, orderBy: [{ width: 'desc' }] }))).toEqual([files.wide.id, files.bobsPublic.id, files.rotated.id]);
    expect(ids(await as('bob')(query, { where: images, orderBy: [{ width: 'desc' }] }))).toEqual([files.bobs.id, files.bobsPublic.id]);
    expect(ids(await as('admin')(query, { where: images, orderBy: [{ width: 'desc' }] }))).toEqual([files.wide.id, files.bobs.id, files.bobsPublic.id, files.rotated.id]);
    expect(ids(await as('anonymous')(query, { where: images }))).toEqual([files.bobsPublic.id]);
    const bySize = ids(await as('alice')(query, { where: { AND: [mine, { ownerId: { equals: t.seeded.users.alice } }] }, orderBy: [{ size: 'asc' }] }));
    expect(bySize[0]).toBe(files.text.id);
    expect(ids(await as('alice')(query, { where: { AND: [mine, { height: { equals: null } }] } }))).toEqual([files.text.id]);
  });

  it('filters by a path into the metadata, with equals and string tests, under the read rule', async () => {
    const query = 'query($where: FileWhereInput) { files(where: $where, orderBy: [{ createdAt: asc }]) { id } }';
    const mine = { metadata: { path: ['tag'], equals: tag } };
    const canon = { AND: [mine, { metadata: { path: ['camera', 'model'], string_starts_with: 'Canon' } }] };
    expect(ids(await as('alice')(query, { where: canon }))).toEqual([files.wide.id, files.rotated.id, files.bobsPublic.id]);
    expect(ids(await as('bob')(query, { where: canon }))).toEqual([files.bobs.id, files.bobsPublic.id]);
    expect(ids(await as('anonymous')(query, { where: canon }))).toEqual([files.bobsPublic.id]);
    const exact = { AND: [mine, { metadata: { path: ['camera', 'model'], equals: 'Nikon Z' } }] };
    expect(ids(await as('alice')(query, { where: exact }))).toEqual([files.small.id]);
    const rated = { AND: [mine, { metadata: { path: ['rating'], equals: 5 } }] };
    expect(ids(await as('alice')(query, { where: rated }))).toEqual([files.wide.id]);
    const contains = { AND: [mine, { metadata: { path: ['kind'], string_contains: 'ote' } }] };
    expect(ids(await as('alice')(query, { where: contains }))).toEqual([files.text.id]);
    // Counting through a filter tells a stranger nothing about hidden files either.
    const count = await as('bob')('query($where: FileWhereInput) { filesCount(where: $where) }', { where: exact });
    expect(count.data.filesCount).toBe(0);
  });
});

describe('Json filter paths on SQLite', () => {
  it('quotes keys and indexes arrays by digits, and refuses a key SQLite cannot quote', async () => {
    const { sqliteJsonPath } = await import('../../src/schema/inputs/filters.ts');
    expect(sqliteJsonPath(['camera', 'model'])).toBe('$."camera"."model"');
    expect(sqliteJsonPath(['tags', '0'])).toBe('$."tags"[0]');
    expect(sqliteJsonPath(['a.b'])).toBe('$."a.b"');
    expect(() => sqliteJsonPath(['x"y'])).toThrow(/double quote/);
  });
});
