import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases.ts';
import { createStorageTestApp, pngBytes, type StorageTestApp } from './storage-app.ts';

const appDir = path.resolve(import.meta.dirname, 'fixtures/hidden-files-app');

/** An upload whose row the uploader may not read is refused and leaves no row behind (the check runs before the commit). */
describe.each(providers)('uploads the rules would hide (%s)', (provider) => {
  let t: StorageTestApp;
  beforeAll(async () => {
    t = await createStorageTestApp(provider, { STRATA_APP_DIR: appDir });
  });
  afterAll(async () => t?.close());

  it('refuses a private presigned upload the uploader could not read, and keeps no row', async () => {
    const png = await pngBytes(8, 8);
    const res = await t.as(t.seeded.viewers.alice)('mutation($s: BigInt!) { createUploadUrl(contentType: "image/png", size: $s, name: "hidden.png") { url file { id } } }', { s: png.length });
    expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(await t.prisma.file.count({ where: { originalName: 'hidden.png' } })).toBe(0);
  });

  it('accepts the same upload made public', async () => {
    const png = await pngBytes(8, 8);
    const res = await t.as(t.seeded.viewers.alice)('mutation($s: BigInt!) { createUploadUrl(contentType: "image/png", size: $s, name: "shown.png", public: true) { url file { id } } }', { s: png.length });
    expect(res.errors).toBeUndefined();
    expect(await t.prisma.file.count({ where: { originalName: 'shown.png' } })).toBe(1);
  });
});
