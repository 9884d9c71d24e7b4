import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/base/config.ts';
import { readDatamodel } from '../../src/base/datamodel.ts';
import { cleanFileName, contentDisposition, isAllowedType, sniffContentType } from '../../src/storage/content-types.ts';
import { findFileModel } from '../../src/storage/file-model.ts';
import { checkPath } from '../../src/storage/multipart/operation-paths.ts';
import { ObjectKeys } from '../../src/storage/object-keys.ts';
import { pngBytes } from './storage-app.ts';

const allow = ['image/*', 'application/pdf', 'text/plain'];

describe('storage configuration', () => {
  it('uses the embedded store outside production when no S3 is configured, and never in production', () => {
    expect(loadConfig({ STRATA_ENV: 'development' }).storage).toMatchObject({ embedded: true, configured: false, bucket: 'strata' });
    expect(loadConfig({ STRATA_ENV: 'production' }).storage).toMatchObject({ embedded: false, configured: false });
    expect(loadConfig({ STRATA_ENV: 'development', S3_BUCKET: 'media' }).storage).toMatchObject({ embedded: false, configured: true, forcePathStyle: false });
    expect(loadConfig({ S3_ENDPOINT: 'https://s3.example.com/', S3_BUCKET: 'media' }).storage).toMatchObject({ endpoint: 'https://s3.example.com', forcePathStyle: true });
  });

  it('reports every bad S3 variable at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ S3_ENDPOINT: 'ftp://x', S3_ACCESS_KEY_ID: 'only-the-key', S3_BUCKET: 'Bad_Bucket', STRATA_UPLOAD_ALLOWED_TYPES: 'image/png,nonsense', S3_KEY_PREFIX: '../up', STRATA_UPLOAD_URL_TTL_SECONDS: '7200' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^S3_ENDPOINT must be an http\(s\) URL/),
        expect.stringMatching(/^S3_BUCKET must be a valid bucket name/),
        'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together',
        expect.stringMatching(/^STRATA_UPLOAD_ALLOWED_TYPES entries must be media types/),
        expect.stringMatching(/^S3_KEY_PREFIX must be path segments/),
        'STRATA_UPLOAD_PENDING_TTL_SECONDS must be at least STRATA_UPLOAD_URL_TTL_SECONDS',
      ]),
    );
  });
});

describe('finding the file model', () => {
  const base = 'datasource db {\n  provider = "sqlite"\n}\nenum S {\n  PENDING\n  ACTIVE\n}\n';
  const fields = 'id String @id\n  key String @unique\n  bucket String\n  size BigInt\n  contentType String\n  checksum String?\n  originalName String\n  status S\n  public Boolean\n  createdAt DateTime';
  const dm = (models: string) => readDatamodel(base + models, 'sqlite');

  it('recognises a model named File, or any model marked /// @file', () => {
    expect(findFileModel(dm(`model File {\n  ${fields}\n}`))?.model.name).toBe('File');
    expect(findFileModel(dm(`/// @file\nmodel Upload {\n  ${fields}\n}`))).toMatchObject({ delegate: 'upload', sizeType: 'BigInt', hasOwner: false });
  });

  it('leaves an unrelated model named File alone, but names what a marked model lacks', () => {
    expect(findFileModel(dm('model File {\n  id Int @id\n  path String\n}'))).toBeNull();
    expect(() => findFileModel(dm('/// @file\nmodel Doc {\n  id Int @id\n  key String\n}'))).toThrow(/marked \/\/\/ @file but:[\s\S]*`bucket String`[\s\S]*`key` must be @unique[\s\S]*status/);
  });
});

describe('object keys', () => {
  const keys = new ObjectKeys('tenant-a/');

  it('makes server-side keys under files/ or public/, and knows its own keys and variants', () => {
    const key = keys.create('private');
    expect(key).toMatch(/^tenant-a\/files\/[0-9a-f-]{36}$/);
    expect(keys.withVisibility(key, 'public')).toBe(key.replace('/files/', '/public/'));
    const variant = keys.variant(key, { width: 100, height: null, fit: 'cover', format: 'webp' });
    expect(variant).toBe(`${key}@100x0-cover.webp`);
    expect(keys.isOwn(key) && keys.isOwn(variant)).toBe(true);
    expect(keys.sourceOf(variant)).toBe(key);
    expect(keys.isOwn('tenant-a/files/../../etc/passwd')).toBe(false);
    expect(keys.isOwn('files/' + key.split('/').pop())).toBe(false);
  });
});

describe('content types', () => {
  it('trusts magic numbers over the client, and text only as a declared text type', async () => {
    const png = await pngBytes(2, 2);
    expect(await sniffContentType({ head: png, complete: true, declared: 'text/plain', allowlist: allow })).toBe('image/png');
    expect(await sniffContentType({ head: Buffer.from('plain words'), complete: true, declared: 'text/plain; charset=utf-8', allowlist: allow })).toBe('text/plain');
    await expect(sniffContentType({ head: Buffer.from('a\u0000b'), complete: true, declared: 'text/plain', allowlist: allow })).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    await expect(sniffContentType({ head: Buffer.from('<svg/>'), complete: true, declared: 'image/svg+xml', allowlist: allow })).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('matches allowlist wildcards and cleans names and dispositions', () => {
    expect(isAllowedType('image/webp', allow)).toBe(true);
    expect(isAllowedType('application/zip', allow)).toBe(false);
    expect(cleanFileName('C:\\Users\\me\\..\\évil\u0007.png')).toBe('évil.png');
    expect(cleanFileName('')).toBe('file');
    expect(contentDisposition('application/zip', 'résumé "v2".zip')).toBe(`attachment; filename="r_sum_ _v2_.zip"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.zip`);
  });
});

describe('multipart map paths', () => {
  const operations = { query: 'q', variables: { file: null, list: [null, 1], deep: { f: null } } };

  it('accepts paths to null variables only', () => {
    expect(checkPath(operations, 'variables.file')).toEqual(['variables', 'file']);
    expect(checkPath(operations, 'variables.list.0')).toEqual(['variables', 'list', '0']);
    expect(checkPath([operations], '0.variables.deep.f')).toEqual(['0', 'variables', 'deep', 'f']);
    for (const path of ['query', 'variables.list.1', 'variables.missing', 'variables.__proto__.x', 'extensions.x']) {
      expect(() => checkPath(operations, path)).toThrow();
    }
  });
});
