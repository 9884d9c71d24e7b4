import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/storage/s3-client.ts';
import { providers } from '../support/databases.ts';
import { createStorageTestApp, pngBytes, type StorageTestApp } from './storage-app.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const CREATE = `mutation($type: String!, $size: BigInt!, $name: String!, $checksum: String, $public: Boolean) {
  createUploadUrl(contentType: $type, size: $size, name: $name, checksum: $checksum, public: $public) {
    url method expiresAt headers { name value } file { id key status size contentType checksum url }
  }
}`;
const COMPLETE = 'mutation($id: String!) { completeUpload(id: $id) { id status size checksum contentType url } }';

describe.each(providers)('presigned uploads (%s)', (provider) => {
  let t: StorageTestApp;
  const as = (actor: 'alice' | 'bob' | 'anonymous' | 'admin') => t.as(t.seeded.viewers[actor]);
  beforeAll(async () => {
    t = await createStorageTestApp(provider, { STRATA_UPLOAD_MAX_BYTES: '1048576', STRATA_UPLOAD_URL_TTL_SECONDS: '60' });
  });
  afterAll(async () => t?.close());

  const ticket = async (bytes: Buffer, type: string, extra: Record<string, unknown> = {}, actor: 'alice' | 'bob' = 'alice') => {
    const res = await as(actor)(CREATE, { type, size: bytes.length, name: 'photo.png', ...extra });
    expect(res.errors).toBeUndefined();
    return res.data.createUploadUrl;
  };
  const put = (tk: any, bytes: Buffer, headers: Record<string, string> = {}) =>
    fetch(tk.url, { method: tk.method, headers: { ...Object.fromEntries(tk.headers.map((h: any) => [h.name, h.value])), ...headers }, body: new Uint8Array(bytes) });
  const gone = async (tk: any) => {
    expect(await t.prisma.file.findUnique({ where: { id: tk.file.id } })).toBeNull();
    expect(await t.objects()).not.toContain(tk.file.key);
  };

  it('uploads straight to S3 with the presigned PUT, then verifies and activates the file', async () => {
    const png = await pngBytes(30, 30);
    const tk = await ticket(png, 'image/png');
    expect(tk).toMatchObject({ method: 'PUT', file: { status: 'PENDING', size: String(png.length), contentType: 'image/png', url: null } });
    expect(new Date(tk.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    expect((await put(tk, png)).status).toBe(200);
    const done = await as('alice')(COMPLETE, { id: tk.file.id });
    expect(done.data.completeUpload).toMatchObject({ status: 'ACTIVE', checksum: sha256(png), contentType: 'image/png' });
    const stored = Buffer.from(await (await fetch(done.data.completeUpload.url)).arrayBuffer());
    expect(stored.equals(png)).toBe(true);
    // Completing again is harmless.
    expect((await as('alice')(COMPLETE, { id: tk.file.id })).data.completeUpload.status).toBe('ACTIVE');
  });

  it('accepts a declared checksum that matches, and rejects (deleting row and object) one that does not', async () => {
    const png = await pngBytes(12, 12);
    const good = await ticket(png, 'image/png', { checksum: sha256(png) });
    expect(good.headers).toContainEqual({ name: 'x-amz-checksum-sha256', value: Buffer.from(sha256(png), 'hex').toString('base64') });
    await put(good, png);
    expect((await as('alice')(COMPLETE, { id: good.file.id })).data.completeUpload.checksum).toBe(sha256(png));

    const bad = await ticket(png, 'image/png', { checksum: sha256(Buffer.from('something else')) });
    await put(bad, png);
    const res = await as('alice')(COMPLETE, { id: bad.file.id });
    expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    await gone(bad);
  });

  it('rejects bytes of another type than declared with UNSUPPORTED_MEDIA_TYPE, deleting row and object', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(500, 0x20)]);
    const tk = await ticket(pdf, 'image/png');
    await put(tk, pdf);
    const res = await as('alice')(COMPLETE, { id: tk.file.id });
    expect(res.errors?.[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    await gone(tk);
  });

  it('rejects an object of another size than declared, deleting row and object', async () => {
    const png = await pngBytes(12, 12);
    const tk = await ticket(png, 'image/png');
    // s3rver does not check signatures; a real S3 refuses this PUT already (content-length is signed).
    await put(tk, Buffer.concat([png, Buffer.from('tail')]));
    const res = await as('alice')(COMPLETE, { id: tk.file.id });
    expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    await gone(tk);
  });

  it('refuses to start uploads over the limit (PAYLOAD_TOO_LARGE) or of a type not allowed (UNSUPPORTED_MEDIA_TYPE), creating no row', async () => {
    const rows = (await t.fileRows()).length;
    const big = await as('alice')(CREATE, { type: 'image/png', size: 1048577, name: 'big.png' });
    expect(big.errors?.[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const html = await as('alice')(CREATE, { type: 'text/html', size: 10, name: 'x.html' });
    expect(html.errors?.[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const badSum = await as('alice')(CREATE, { type: 'image/png', size: 10, name: 'x.png', checksum: 'abc' });
    expect(badSum.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await t.fileRows()).length).toBe(rows);
  });

  it('answers completeUpload before the PUT with BAD_USER_INPUT and keeps the pending row', async () => {
    const png = await pngBytes(4, 4);
    const tk = await ticket(png, 'image/png');
    const res = await as('alice')(COMPLETE, { id: tk.file.id });
    expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await t.prisma.file.findUnique({ where: { id: tk.file.id } })).status).toBe('PENDING');
  });

  it('lets only the uploader complete an upload: strangers get NOT_FOUND, anonymous UNAUTHENTICATED', async () => {
    const png = await pngBytes(5, 5);
    const tk = await ticket(png, 'image/png');
    await put(tk, png);
    expect((await as('bob')(COMPLETE, { id: tk.file.id })).errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await as('anonymous')(COMPLETE, { id: tk.file.id })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await as('anonymous')(CREATE, { type: 'image/png', size: 10, name: 'x.png' })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.prisma.file.findUnique({ where: { id: tk.file.id } })).status).toBe('PENDING');
  });

  it('signs upload URLs that expire', async () => {
    const png = await pngBytes(6, 6);
    const now = t.storage.now;
    t.storage.now = () => new Date(Date.now() - 61_000);
    let tk;
    try {
      tk = await ticket(png, 'image/png');
    } finally {
      t.storage.now = now;
    }
    const res = await put(tk, png);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/expired/);
    expect(await t.objects()).not.toContain(tk.file.key);
  });

  it('reports unreachable S3 at completion clearly, keeping the pending row for a retry or the sweep', async () => {
    const png = await pngBytes(7, 7);
    const tk = await ticket(png, 'image/png');
    await put(tk, png);
    const working = t.storage.client;
    t.storage.client = createS3Client({ ...t.storage.config, endpoint: 'http://127.0.0.1:9' });
    try {
      const res = await as('alice')(COMPLETE, { id: tk.file.id });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'STORAGE_UNAVAILABLE' });
    } finally {
      t.storage.client = working;
    }
    expect((await t.prisma.file.findUnique({ where: { id: tk.file.id } })).status).toBe('PENDING');
    expect((await as('alice')(COMPLETE, { id: tk.file.id })).data.completeUpload.status).toBe('ACTIVE');
  });

  it('a public direct upload gets a key under public/ and a permanent URL', async () => {
    const png = await pngBytes(9, 9);
    const tk = await ticket(png, 'image/png', { public: true });
    expect(tk.file.key).toMatch(/^public\//);
    await put(tk, png);
    const url = (await as('alice')(COMPLETE, { id: tk.file.id })).data.completeUpload.url;
    expect(url).not.toMatch(/X-Amz-Signature/);
    expect((await fetch(url)).status).toBe(200);
  });

  it('s3 objects written outside Strata cannot become files: clients never choose keys', async () => {
    await t.client.send(new PutObjectCommand({ Bucket: t.storage.bucket, Key: 'files/00000000-0000-4000-8000-000000000000', Body: 'x' }));
    const res = await as('admin')('mutation { createFile(data: { key: "files/00000000-0000-4000-8000-000000000000", bucket: "strata", size: 1, contentType: "text/plain", originalName: "x" }) { id } }');
    expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
