import type { Context } from '../../base/context.ts';
import { assertStorableValues } from '../../base/check-input-values.ts';
import type { Generator } from '../../schema/generator.ts';
import type { SchemaExtension } from '../../schema/schema-extension.ts';
import { graphqlScalar } from '../../schema/scalars.ts';
import type { Storage } from '../create-storage.ts';
import { findFileModel, managedFileFields } from '../file-model.ts';
import { completeUpload } from './complete-upload.ts';
import { createUploadUrl } from './create-upload-url.ts';
import { type FileSchema, storageNotConfigured } from './file-writes.ts';
import { fileUrl } from './file-url.ts';
import { uploadFile } from './upload-file.ts';
import { UploadScalar } from './upload-scalar.ts';
import { defineVersionSchema, versionTypeName } from './define-version-schema.ts';

/** GraphQL type names the file fields add; a model of the same name would clash. */
const ownTypes = ['Upload', 'ImageTransformInput', 'ImageFit', 'ImageFormat', 'PresignedUpload', 'HttpHeader'];

/**
 * Adds file storage to the API when the schema has a file model (see
 * docs/files.md): the `Upload` scalar, `uploadFile` (GraphQL multipart
 * request), `createUploadUrl` and `completeUpload` (presigned PUT), and
 * `File.url(transform)`, and versions (`File.versions`, `replaceFile`,
 * `restoreFileVersion`). The fields exist whether or not S3 is configured,
 * so the printed schema does not depend on the environment; without
 * storage their resolvers fail with a clear error.
 */
export function defineFileSchema(gen: Generator, storage: Storage | null | undefined): void {
  const file = findFileModel(gen.datamodel);
  if (!file) return;
  const clash = gen.datamodel.models.find((m) => ownTypes.includes(m.name) || m.name === versionTypeName(file.model.name));
  if (clash) throw new Error(`Model ${clash.name} clashes with a type of Strata's file uploads; rename it (@@map keeps its table)`);
  const { builder } = gen;
  const fs: FileSchema = {
    gen,
    file,
    storage: () => {
      if (!storage) throw storageNotConfigured();
      return storage;
    },
  };
  const policy = gen.policy(file.model.name);
  const mayCreate = { access: (ctx: Context) => policy.create(ctx) !== null };
  const sizeType = graphqlScalar(file.sizeType);
  const idType = graphqlScalar(file.id.type);

  builder.addScalarType('Upload', UploadScalar, {});
  const fit = builder.enumType('ImageFit', { description: 'How an image fills the requested box (sharp\'s `fit`).', values: ['cover', 'contain', 'fill', 'inside', 'outside'] });
  const format = builder.enumType('ImageFormat', { values: ['webp', 'jpeg', 'png', 'avif'] });
  const transform = builder.inputType('ImageTransformInput', {
    description: 'A resized or converted variant of an image, generated once and kept in the bucket.',
    fields: (t: any) => ({
      width: t.int(),
      height: t.int(),
      fit: t.field({ type: fit, defaultValue: 'cover' }),
      format: t.field({ type: format, description: 'Output format. @default the source format (webp for GIF and TIFF)' }),
    }),
  });
  const header = builder.objectRef('HttpHeader').implement({
    fields: (t: any) => ({ name: t.exposeString('name'), value: t.exposeString('value') }),
  });
  const presigned = builder.objectRef('PresignedUpload').implement({
    description: `Where to PUT a file's bytes before calling completeUpload.`,
    fields: (t: any) => ({
      file: t.field({ type: file.model.name, resolve: (p: any) => p.file }),
      url: t.exposeString('url', { description: 'Presigned URL, valid until expiresAt.' }),
      method: t.exposeString('method'),
      headers: t.field({ type: [header], description: 'Headers the PUT must carry exactly (they are signed).', resolve: (p: any) => p.headers }),
      expiresAt: t.field({ type: 'DateTime', resolve: (p: any) => p.expiresAt }),
    }),
  });

  builder.prismaObjectField(file.model.name, 'url', (t: any) =>
    t.string({
      nullable: true,
      description: 'Download URL: permanent for public files, presigned and short-lived for private ones; null while the upload is pending.',
      args: { transform: t.arg({ type: transform }) },
      resolve: (row: any, args: any, ctx: Context) => fileUrl(fs, ctx, row, args.transform),
    }),
  );

  const metadataArg = (t: any) => (file.hasMetadata ? { metadata: t.arg({ type: 'JSON' }) } : {});
  builder.mutationFields((t: any) => ({
    uploadFile: t.prismaField({
      type: file.model.name,
      description: 'Stores a file sent in a GraphQL multipart request (type checked from its bytes, size limited, SHA-256 recorded).',
      extensions: mayCreate,
      args: { file: t.arg({ type: 'Upload', required: true }), public: t.arg.boolean({ defaultValue: false }), name: t.arg.string(), ...metadataArg(t) },
      resolve: (query: object, _root: unknown, args: any, ctx: Context) => (assertStorableValues(args), uploadFile(fs, ctx, query, args)),
    }),
    createUploadUrl: t.field({
      type: presigned,
      description: 'Starts a direct upload: a pending file and a presigned PUT URL for its bytes. Call completeUpload after the PUT.',
      extensions: mayCreate,
      args: {
        contentType: t.arg.string({ required: true }),
        size: t.arg({ type: sizeType, required: true }),
        name: t.arg.string({ required: true }),
        public: t.arg.boolean({ defaultValue: false }),
        checksum: t.arg.string({ description: 'SHA-256 of the bytes in hex; S3 then refuses any other body.' }),
        ...metadataArg(t),
      },
      resolve: (_root: unknown, args: any, ctx: Context) => (assertStorableValues(args), createUploadUrl(fs, ctx, {}, args)),
    }),
    completeUpload: t.prismaField({
      type: file.model.name,
      description: 'Verifies the bytes PUT to a presigned URL (size, type, checksum) and activates the file.',
      extensions: mayCreate,
      args: { id: t.arg({ type: idType, required: true }) },
      resolve: (query: object, _root: unknown, args: any, ctx: Context) => (assertStorableValues(args), completeUpload(fs, ctx, query, args)),
    }),
  }));
  defineVersionSchema(fs, { transform, presigned });
}

/**
 * Storage's part of the API: the file fields (see {@link defineFileSchema}),
 * and the file model's storage-managed columns (key, bucket, size,
 * contentType, checksum, status, public, ownerId, createdAt...) unwritable
 * for everyone, admins included, whatever the app's rules say: a client that
 * could set `key` could point a row at someone else's object. Strata's own
 * upload paths set them as forced values, which skip field rules.
 */
export function fileSchemaExtension(storage: Storage | null | undefined): SchemaExtension {
  return {
    name: 'storage',
    managedFields(datamodel) {
      const file = findFileModel(datamodel);
      return file ? { [file.model.name]: Object.fromEntries(managedFileFields.map((field) => [field, 'never' as const])) } : {};
    },
    define: (gen) => defineFileSchema(gen, storage),
  };
}
