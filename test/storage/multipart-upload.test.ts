import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/storage/s3-client.ts';
import { providers } from '../support/databases.ts';
import { createStorageTestApp, multipartForm, pngBytes, postMultipart, rawMultipart, type StorageTestApp, UPLOAD, viewerHeader } from './storage-app.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const text = (size: number) => Buffer.alloc(size, 'strata uploads stream\n');

describe.each(providers)('GraphQL multipart uploads (%s)', (provider) => {
  let t: StorageTestApp;
  beforeAll(async () => {
    t = await createStorageTestApp(provider, { STRATA_UPLOAD_MAX_BYTES: String(7 * 1024 * 1024), STRATA_UPLOAD_MAX_FILES: '3' });
  });
  afterAll(async () => t?.close());

  /** Runs `fn` and asserts it left no object and no File row behind. */
  const storesNothing = async (fn: () => Promise<unknown>) => {
    const objects = await t.objects();
    const rows = await t.fileRows();
    await fn();
    expect(await t.objects()).toEqual(objects);
    expect(await t.fileRows()).toEqual(rows);
  };

  it('stores a file sent over HTTP byte for byte, with its size, SHA-256, detected type and owner', async () => {
    const png = await pngBytes(64, 32);
    const res = await postMultipart(t, multipartForm(UPLOAD, {}, { f: { name: 'dir/../cat.png', type: 'application/octet-stream', body: png } }), 'alice');
    expect(res.status).toBe(200);
    const file = res.body.data.uploadFile;
    expect(file).toMatchObject({ size: String(png.length), checksum: sha256(png), contentType: 'image/png', status: 'ACTIVE', originalName: 'cat.png', public: false });
    expect(file.key).toMatch(/^files\/[0-9a-f-]{36}$/);
    expect(await t.objects()).toContain(file.key);
    const row = await t.prisma.file.findUnique({ where: { id: file.id } });
    expect(row.ownerId).toBe(t.seeded.users.alice);
    const download = await fetch(file.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
  });

  it('streams a multi-part (over 5 MiB) upload to S3 and keeps every byte', async () => {
    const body = Buffer.concat([text(3 * 1024 * 1024), Buffer.from('middle'), text(3 * 1024 * 1024)]);
    const res = await postMultipart(t, multipartForm(UPLOAD, {}, { f: { name: 'big.txt', type: 'text/plain', body } }), 'alice');
    const file = res.body.data.uploadFile;
    expect(file).toMatchObject({ size: String(body.length), checksum: sha256(body), contentType: 'text/plain' });
    const stored = Buffer.from(await (await fetch(file.url)).arrayBuffer());
    expect(stored.equals(body)).toBe(true);
  });

  it('stores a public file under public/ with a permanent URL, and no private copy', async () => {
    const png = await pngBytes(8, 8);
    const res = await postMultipart(t, multipartForm(UPLOAD, { public: true }, { f: { name: 'p.png', type: 'image/png', body: png } }), 'bob');
    const file = res.body.data.uploadFile;
    expect(file.key).toMatch(/^public\//);
    expect(file.url).toBe(`${t.s3.endpoint}/${t.s3.bucket}/${file.key}`);
    expect(Buffer.from(await (await fetch(file.url)).arrayBuffer()).equals(png)).toBe(true);
    const name = file.key.slice('public/'.length);
    expect(await t.objects()).not.toContain(`files/${name}`);
  });

  it('refuses a file over the size limit with PAYLOAD_TOO_LARGE while streaming, storing nothing (single and multi-part)', async () => {
    for (const size of [7 * 1024 * 1024 + 1, 12 * 1024 * 1024]) {
      await storesNothing(async () => {
        const res = await postMultipart(t, multipartForm(UPLOAD, {}, { f: { name: 'huge.txt', type: 'text/plain', body: text(size) } }), 'alice');
        expect(res.status).toBe(413);
        expect(res.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
      });
    }
  });

  it('refuses bytes whose type is not allowed with UNSUPPORTED_MEDIA_TYPE, whatever the client claims', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(3 * 1024 * 1024, 0x90)]);
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const zipLike = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 1)]);
    for (const [name, type, body] of [['a.png', 'image/png', exe], ['a.txt', 'text/html', html], ['a.txt', 'text/plain', zipLike]] as const) {
      await storesNothing(async () => {
        const res = await postMultipart(t, multipartForm(UPLOAD, {}, { f: { name, type, body } }), 'alice');
        expect(res.status).toBe(415);
        expect(res.body.errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      });
    }
  });

  it('refuses more files than allowed per request with PAYLOAD_TOO_LARGE, storing nothing', async () => {
    const query = 'mutation($a: Upload!, $b: Upload!, $c: Upload!, $d: Upload!) { a: uploadFile(file: $a) { id } b: uploadFile(file: $b) { id } c: uploadFile(file: $c) { id } d: uploadFile(file: $d) { id } }';
    const file = (name: string) => ({ name, type: 'text/plain', body: text(100) });
    await storesNothing(async () => {
      const res = await postMultipart(t, multipartForm(query, {}, { a: file('a'), b: file('b'), c: file('c'), d: file('d') }), 'alice');
      expect(res.status).toBe(413);
      expect(res.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  it('stores several files of one request, each once', async () => {
    const query = 'mutation($a: Upload!, $b: Upload!) { a: uploadFile(file: $a) { key size } b: uploadFile(file: $b) { key size } }';
    const res = await postMultipart(t, multipartForm(query, {}, { a: { name: 'a.txt', type: 'text/plain', body: text(10) }, b: { name: 'b.txt', type: 'text/plain', body: text(20) } }), 'alice');
    expect(res.body.data.a.size).toBe('10');
    expect(res.body.data.b.size).toBe('20');
    expect(res.body.data.a.key).not.toBe(res.body.data.b.key);
  });

  it('answers malformed multipart bodies with BAD_USER_INPUT, storing nothing', async () => {
    const file = { name: '0', filename: 'a.txt', type: 'text/plain', body: text(2000) };
    const ops = (variables = '{"f":null}') => ({ name: 'operations', body: `{"query":"mutation($f: Upload!) { uploadFile(file: $f) { id } }","variables":${variables}}` });
    const cases = [
      rawMultipart('b1', [{ name: 'operations', body: '{not json' }, { name: 'map', body: '{"0":["variables.f"]}' }, file]),
      rawMultipart('b2', [ops(), file, { name: 'map', body: '{"0":["variables.f"]}' }]),
      rawMultipart('b3', [ops(), { name: 'map', body: '{"0":["query"]}' }, file]),
      rawMultipart('b4', [ops(), { name: 'map', body: '{"0":["variables.__proto__.polluted"]}' }, file]),
      rawMultipart('b5', [ops(), { name: 'map', body: '{"0":["variables.f"],"1":["variables.f"]}' }, file]),
      rawMultipart('b6', [ops(), { name: 'map', body: '{"0":["variables.f"]}' }, { ...file, name: 'zzz' }]),
      rawMultipart('b7', [ops(), { name: 'map', body: '{"0":["variables.f"]}' }, file], { close: false }),
      rawMultipart('b8', [ops(), { name: 'map', body: '{"0":["variables.f"]}' }, { name: 'extra', body: 'x' }, file]),
      { body: Buffer.from('this is not multipart at all'), contentType: 'multipart/form-data; boundary=zzz' },
    ];
    for (const [i, { body, contentType }] of cases.entries()) {
      await storesNothing(async () => {
        const res = await postMultipart(t, new Blob([new Uint8Array(body)]), 'alice', { contentType });
        expect({ case: i, status: res.status, code: res.body.errors?.[0]?.extensions?.code }).toEqual({ case: i, status: 400, code: 'BAD_USER_INPUT' });
      });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a multipart post without a preflight header (CSRF) before reading it, storing nothing', async () => {
    await storesNothing(async () => {
      const res = await postMultipart(t, multipartForm(UPLOAD, {}, { f: { name: 'a.txt', type: 'text/plain', body: text(100) } }), 'alice', { preflight: false });
      expect(res.status).toBe(403);
      expect(res.body.errors[0].message).toMatch(/CSRF/);
    });
    // Apollo Client's preflight header passes, as for every other GraphQL request.
    const form = multipartForm(UPLOAD, {}, { f: { name: 'a.txt', type: 'text/plain', body: text(100) } });
    const ok = await fetch(t.endpoint, { method: 'POST', headers: { ...viewerHeader('alice'), 'apollo-require-preflight': 'true' }, body: form });
    expect((await ok.json()).data.uploadFile.id).toBeTruthy();
  });

  it('denies anonymous uploads with UNAUTHENTICATED and deletes the streamed object', async () => {
    await storesNothing(async () => {
      const res = await postMultipart(t, multipartForm(UPLOAD, {}, { f: { name: 'a.txt', type: 'text/plain', body: text(100) } }), 'anonymous');
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });
  });

  it('stores a file mapped to two fields once, refusing the second use', async () => {
    const query = 'mutation($a: Upload!, $b: Upload!) { a: uploadFile(file: $a) { id } b: uploadFile(file: $b) { id } }';
    const form = new FormData();
    form.append('operations', JSON.stringify({ query, variables: { a: null, b: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.a', 'variables.b'] }));
    form.append('0', new Blob([new Uint8Array(text(50))], { type: 'text/plain' }), 'twice.txt');
    const before = (await t.objects()).length;
    const res = await postMultipart(t, form, 'alice');
    expect(res.body.data).toBeNull();
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await t.objects()).length).toBe(before + 1);
  });

  it('refuses an Upload variable sent as JSON (a staged upload cannot be forged)', async () => {
    const res = await t.as(t.seeded.viewers.alice)(UPLOAD, { f: { key: 'files/someone-elses' } });
    expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('reports unreachable S3 clearly and keeps no row', async () => {
    const working = t.storage.client;
    t.storage.client = createS3Client({ ...t.storage.config, endpoint: 'http://127.0.0.1:9' });
    try {
      await storesNothing(async () => {
        const res = await postMultipart(t, multipartForm(UPLOAD, {}, { f: { name: 'a.txt', type: 'text/plain', body: text(100) } }), 'alice');
        expect(res.status).toBe(500);
        expect(res.body.errors[0]).toMatchObject({ message: expect.stringMatching(/storage is unavailable/), extensions: { code: 'INTERNAL_SERVER_ERROR', reason: 'STORAGE_UNAVAILABLE' } });
      });
    } finally {
      t.storage.client = working;
    }
  });
});
