import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/storage/s3-client.ts';
import { sweep } from '../../src/storage/sweep.ts';
import { providers } from '../support/databases.ts';
import { createStorageTestApp, multipartForm, pngBytes, postMultipart, type StorageTestApp, UPLOAD } from './storage-app.ts';

const HOUR = 3_600_000;

describe.each(providers)('deleting files and sweeping storage (%s)', (provider) => {
  let t: StorageTestApp;
  const as = (actor: 'alice' | 'bob' | 'anonymous' | 'admin') => t.as(t.seeded.viewers[actor]);
  const upload = async (actor = 'alice') => {
    const res = await postMultipart(t, multipartForm(UPLOAD, {}, { f: { name: 'a.png', type: 'image/png', body: await pngBytes(20, 10) } }), actor);
    return res.body.data.uploadFile as { id: string; key: string };
  };
  const withVariant = async (file: { id: string }) => {
    await as('alice')('query($id: String!) { file(where: { id: $id }) { url(transform: { width: 5 }) } }', { id: file.id });
  };
  const later = (ms: number) => new Date(Date.now() + ms);

  beforeAll(async () => {
    t = await createStorageTestApp(provider, { STRATA_UPLOAD_PENDING_TTL_SECONDS: '3600', STRATA_STORAGE_ORPHAN_GRACE_SECONDS: '3600' });
  });
  afterAll(async () => t?.close());

  it('deletes the object and its variants when the owner deletes the row, before answering', async () => {
    const file = await upload();
    await withVariant(file);
    expect((await t.objects()).filter((k) => k.startsWith(file.key))).toHaveLength(2);
    const res = await as('alice')('mutation($id: String!) { deleteFile(where: { id: $id }) { id } }', { id: file.id });
    expect(res.data.deleteFile.id).toBe(file.id);
    expect((await t.objects()).filter((k) => k.startsWith(file.key))).toEqual([]);
  });

  it('deletes every object of deleteManyFiles', async () => {
    const a = await upload();
    const b = await upload();
    const res = await as('alice')('mutation($ids: [String!]) { deleteManyFiles(where: { id: { in: $ids } }) { count } }', { ids: [a.id, b.id] });
    expect(res.data.deleteManyFiles.count).toBe(2);
    const keys = await t.objects();
    expect(keys).not.toContain(a.key);
    expect(keys).not.toContain(b.key);
  });

  it('lets no stranger delete a file: NOT_FOUND, and the object stays', async () => {
    const file = await upload();
    const res = await as('bob')('mutation($id: String!) { deleteFile(where: { id: $id }) { id } }', { id: file.id });
    expect(res.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(await t.objects()).toContain(file.key);
  });

  it('never leaves a row without its object when S3 fails mid-delete: the row goes, the orphan sweep removes the object later', async () => {
    const file = await upload();
    const working = t.storage.client;
    t.storage.client = createS3Client({ ...t.storage.config, endpoint: 'http://127.0.0.1:9' });
    try {
      const res = await as('alice')('mutation($id: String!) { deleteFile(where: { id: $id }) { id } }', { id: file.id });
      expect(res.data.deleteFile.id).toBe(file.id);
    } finally {
      t.storage.client = working;
    }
    expect(await t.prisma.file.findUnique({ where: { id: file.id } })).toBeNull();
    expect(await t.objects()).toContain(file.key);
    // Within the grace period the object is kept (it could be an upload whose row is being written).
    expect((await sweep(t.storage, { now: new Date() })).orphanObjects).toBe(0);
    const report = await sweep(t.storage, { now: later(2 * HOUR) });
    expect(report.orphanObjects).toBeGreaterThanOrEqual(1);
    expect(await t.objects()).not.toContain(file.key);
  });

  it('sweeps orphans of rows removed by a database cascade, never keys Strata did not make, never live files', async () => {
    const live = await upload('alice');
    const user = await t.prisma.user.create({ data: { email: `gone-${provider}@example.com` } });
    const file = await upload('alice');
    await t.prisma.file.update({ where: { id: file.id }, data: { ownerId: user.id } });
    await t.prisma.user.delete({ where: { id: user.id } });
    expect(await t.prisma.file.findUnique({ where: { id: file.id } })).toBeNull();
    await t.client.send(new PutObjectCommand({ Bucket: t.storage.bucket, Key: 'someone-else/data.bin', Body: 'keep me' }));
    await t.client.send(new PutObjectCommand({ Bucket: t.storage.bucket, Key: 'files/not-a-strata-key', Body: 'keep me' }));
    await sweep(t.storage, { now: later(2 * HOUR) });
    const keys = await t.objects();
    expect(keys).not.toContain(file.key);
    expect(keys).toEqual(expect.arrayContaining([live.key, 'someone-else/data.bin', 'files/not-a-strata-key']));
  });

  it('sweeps pending uploads never completed (row and uploaded object), and only expired ones', async () => {
    const bytes = await pngBytes(3, 3);
    const create = (name: string) => as('alice')('mutation($size: BigInt!, $name: String!) { createUploadUrl(contentType: "image/png", size: $size, name: $name) { url headers { name value } file { id key } } }', { size: bytes.length, name });
    const abandoned = (await create('abandoned.png')).data.createUploadUrl;
    await fetch(abandoned.url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: new Uint8Array(bytes) });
    const fresh = (await create('fresh.png')).data.createUploadUrl;
    await t.prisma.file.update({ where: { id: fresh.file.id }, data: { createdAt: later(2 * HOUR) } });
    const report = await sweep(t.storage, { now: later(2 * HOUR - 1000) });
    expect(report.pendingUploads).toBe(1);
    expect(await t.prisma.file.findUnique({ where: { id: abandoned.file.id } })).toBeNull();
    expect(await t.objects()).not.toContain(abandoned.file.key);
    expect((await t.prisma.file.findUnique({ where: { id: fresh.file.id } })).status).toBe('PENDING');
    // Completing a swept upload finds nothing.
    const late = await as('alice')('mutation($id: String!) { completeUpload(id: $id) { id } }', { id: abandoned.file.id });
    expect(late.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('keeps storage-managed columns out of every client write, admins included', async () => {
    const file = await upload();
    for (const [actor, data] of [
      ['alice', '{ key: "public/x" }'],
      ['alice', '{ size: 1 }'],
      ['alice', '{ status: PENDING }'],
      ['admin', '{ public: true }'],
      ['admin', '{ contentType: "text/html" }'],
    ] as const) {
      const res = await as(actor)(`mutation($id: String!) { updateFile(where: { id: $id }, data: ${data}) { id } }`, { id: file.id });
      expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
    }
    const renamed = await as('alice')('mutation($id: String!) { updateFile(where: { id: $id }, data: { originalName: "renamed.png", metadata: { alt: "A cat" } }) { originalName metadata } }', { id: file.id });
    expect(renamed.data.updateFile).toEqual({ originalName: 'renamed.png', metadata: { alt: 'A cat' } });
    const nested = await as('alice')('mutation($me: Int!) { updateUser(where: { id: $me }, data: { avatar: { create: { key: "files/x", bucket: "b", size: 1, contentType: "image/png", originalName: "x" } } }) { id } }', { me: t.seeded.users.alice });
    expect(nested.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
