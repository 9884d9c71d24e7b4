import { HeadObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createStorageTestApp, multipartForm, pngBytes, postMultipart, type StorageTestApp, UPLOAD } from './storage-app.ts';

describe.each(providers)('downloads and image variants (%s)', (provider) => {
  let t: StorageTestApp;
  let alicePhoto: { id: string; key: string };
  let png: Buffer;
  const as = (actor: 'alice' | 'bob' | 'anonymous' | 'admin') => t.as(t.seeded.viewers[actor]);
  const FILE = 'query($id: String!, $tr: ImageTransformInput) { file(where: { id: $id }) { id url variant: url(transform: $tr) } }';

  beforeAll(async () => {
    t = await createStorageTestApp(provider, { STRATA_DOWNLOAD_URL_TTL_SECONDS: '60', STRATA_IMAGE_MAX_DIMENSION: '2000' });
    png = await pngBytes(400, 200);
    const res = await postMultipart(t, multipartForm(UPLOAD, {}, { f: { name: 'photo.png', type: 'image/png', body: png } }), 'alice');
    alicePhoto = res.body.data.uploadFile;
  });
  afterAll(async () => t?.close());

  it('gives the owner a presigned URL that serves the bytes with an inline disposition', async () => {
    const { data } = await as('alice')(FILE, { id: alicePhoto.id });
    const res = await fetch(data.file.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="photo.png"/);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  it('signs download URLs that expire (a URL signed 61 s ago with a 60 s TTL is refused)', async () => {
    const now = t.storage.now;
    t.storage.now = () => new Date(Date.now() - 61_000);
    let url: string;
    try {
      url = (await as('alice')(FILE, { id: alicePhoto.id })).data.file.url;
    } finally {
      t.storage.now = now;
    }
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/Request has expired/);
  });

  it('hides a private file from strangers: no row, no URL, on every read path', async () => {
    expect((await as('bob')(FILE, { id: alicePhoto.id })).data.file).toBeNull();
    expect((await as('anonymous')(FILE, { id: alicePhoto.id })).data.file).toBeNull();
    const list = await as('bob')('{ files { id url } }');
    expect(list.data.files.map((f: any) => f.id)).not.toContain(alicePhoto.id);
    const viaUser = await as('bob')('query($id: Int!) { user(where: { id: $id }) { files { id url } } }', { id: t.seeded.users.alice });
    expect(viaUser.data.user.files).toEqual([]);
  });

  it('lets readers of a published post download its attachments, through the relation like any other', async () => {
    const attach = await as('alice')('mutation($post: Int!, $file: String!) { updatePost(where: { id: $post }, data: { attachments: { connect: [{ id: $file }] } }) { id } }', {
      post: t.seeded.posts.alicePublished,
      file: alicePhoto.id,
    });
    expect(attach.errors).toBeUndefined();
    const read = await as('anonymous')('query($id: Int!) { post(where: { id: $id }) { attachments { id originalName url } } }', { id: t.seeded.posts.alicePublished });
    const [attachment] = read.data.post.attachments;
    expect(attachment).toMatchObject({ id: alicePhoto.id, originalName: 'photo.png' });
    expect((await fetch(attachment.url)).status).toBe(200);
    // Bob cannot attach Alice's file to his own post: updating the file is hers alone.
    const steal = await as('bob')('mutation($post: Int!, $file: String!) { updatePost(where: { id: $post }, data: { attachments: { connect: [{ id: $file }] } }) { id } }', {
      post: t.seeded.posts.bobPublished,
      file: alicePhoto.id,
    });
    expect(steal.errors?.[0].extensions.code).toBe('FORBIDDEN');
    await as('alice')('mutation($post: Int!, $file: String!) { updatePost(where: { id: $post }, data: { attachments: { disconnect: [{ id: $file }] } }) { id } }', {
      post: t.seeded.posts.alicePublished,
      file: alicePhoto.id,
    });
    expect((await as('anonymous')(FILE, { id: alicePhoto.id })).data.file).toBeNull();
  });

  it('sets a file as a user avatar through User.avatar', async () => {
    const pub = await postMultipart(t, multipartForm(UPLOAD, { public: true }, { f: { name: 'me.png', type: 'image/png', body: await pngBytes(16, 16) } }), 'bob');
    const id = pub.body.data.uploadFile.id;
    const set = await as('bob')('mutation($me: Int!, $id: String!) { updateUser(where: { id: $me }, data: { avatar: { connect: { id: $id } } }) { avatar { id url } } }', { me: t.seeded.users.bob, id });
    expect(set.data.updateUser.avatar).toMatchObject({ id, url: expect.stringContaining(pub.body.data.uploadFile.key) });
    const seen = await as('anonymous')('query($id: Int!) { user(where: { id: $id }) { avatar { url } } }', { id: t.seeded.users.bob });
    expect((await fetch(seen.data.user.avatar.url)).status).toBe(200);
  });

  it('generates an image variant of the requested size and format once, cached in the bucket beside its source', async () => {
    const transform = { width: 100, height: 100, fit: 'cover', format: 'webp' };
    const first = await as('alice')(FILE, { id: alicePhoto.id, tr: transform });
    const variantKey = `${alicePhoto.key}@100x100-cover.webp`;
    expect(await t.objects()).toContain(variantKey);
    const bytes = Buffer.from(await (await fetch(first.data.file.variant)).arrayBuffer());
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp', width: 100, height: 100 });
    const stamp = (await t.client.send(new HeadObjectCommand({ Bucket: t.storage.bucket, Key: variantKey }))).ETag;
    await as('alice')(FILE, { id: alicePhoto.id, tr: transform });
    expect((await t.client.send(new HeadObjectCommand({ Bucket: t.storage.bucket, Key: variantKey }))).ETag).toBe(stamp);

    const inside = await as('alice')(FILE, { id: alicePhoto.id, tr: { width: 50, height: 50, fit: 'inside' } });
    const meta = await sharp(Buffer.from(await (await fetch(inside.data.file.variant)).arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 50, height: 25 });
  });

  it('refuses transforms of non-images and out-of-range sizes with BAD_USER_INPUT', async () => {
    const doc = await postMultipart(t, multipartForm(UPLOAD, {}, { f: { name: 'a.txt', type: 'text/plain', body: Buffer.from('hello') } }), 'alice');
    const id = doc.body.data.uploadFile.id;
    const notImage = await as('alice')(FILE, { id, tr: { width: 10 } });
    expect(notImage.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const tooWide = await as('alice')(FILE, { id: alicePhoto.id, tr: { width: 5000 } });
    expect(tooWide.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('has no URL for a pending upload', async () => {
    const res = await as('alice')('mutation { createUploadUrl(contentType: "image/png", size: 10, name: "x.png") { file { id url status } } }');
    expect(res.data.createUploadUrl.file).toMatchObject({ url: null, status: 'PENDING' });
  });
});
