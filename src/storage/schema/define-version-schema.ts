import type { Context } from '../../base/context.ts';
import { assertStorableValues } from '../../base/check-input-values.ts';
import { graphqlScalar } from '../../schema/scalars.ts';
import type { FileVersionRow } from '../file-versions.ts';
import { contentUrl, isReadableFile } from './file-url.ts';
import { loadVersions } from './load-versions.ts';
import { completeReplace, createReplaceUrl } from './presigned-replace.ts';
import type { FileSchema } from './file-writes.ts';
import { replaceFile } from './replace-file.ts';
import { restoreFileVersion } from './restore-file-version.ts';

type Row = Record<string, any>;

/** A version as the API hands it out: the row plus its file's `public` flag, which decides its URL. */
type VersionView = FileVersionRow & { public: boolean };

/** The GraphQL name of a file model's version type: `FileVersion` for `File`. */
export const versionTypeName = (modelName: string) => `${modelName}Version`;

/**
 * Adds file versions to the API (docs/files.md, "Versions"): the
 * `FileVersion` type, `File.versions`, `replaceFile` (multipart),
 * `createReplaceUrl` + `completeReplace` (presigned PUT) and
 * `restoreFileVersion`. Versions are read through their file: a viewer who
 * may read the file may list and download its versions, and nobody else.
 */
export function defineVersionSchema(fs: FileSchema, refs: { transform: unknown; presigned: unknown }): void {
  const { transform, presigned } = refs;
  const { builder } = fs.gen;
  const { file } = fs;
  const policy = fs.gen.policy(file.model.name);
  const mayUpdate = { access: (ctx: Context) => policy.update(ctx) !== null };
  const idType = graphqlScalar(file.id.type);
  const sizeType = graphqlScalar(file.sizeType);

  const version = builder.objectRef(versionTypeName(file.model.name)).implement({
    description: `An earlier content of a ${file.model.name}, kept when it was replaced (see replaceFile, restoreFileVersion).`,
    fields: (t: any) => ({
      version: t.exposeInt('version', { description: 'Higher is newer; restoreFileVersion takes it.' }),
      size: t.field({ type: sizeType, resolve: (v: VersionView) => (file.sizeType === 'BigInt' ? v.size : Number(v.size)) }),
      contentType: t.exposeString('contentType'),
      checksum: t.exposeString('checksum', { nullable: true, description: 'SHA-256 of the bytes, hex.' }),
      originalName: t.exposeString('originalName'),
      width: t.exposeInt('width', { nullable: true }),
      height: t.exposeInt('height', { nullable: true }),
      replacedAt: t.field({ type: 'DateTime', description: 'When this stopped being the current content.', resolve: (v: VersionView) => v.replacedAt }),
      url: t.string({
        description: `Download URL of this version, like ${file.model.name}.url.`,
        args: { transform: t.arg({ type: transform }) },
        resolve: (v: VersionView, args: any) => contentUrl(fs, v, args.transform),
      }),
    }),
  });

  builder.prismaObjectField(file.model.name, 'versions', (t: any) =>
    t.field({
      type: [version],
      description: 'Earlier contents of this file, newest first (empty for a file never replaced).',
      resolve: async (row: Row, _args: unknown, ctx: Context) => {
        // Checked again here, like url: whatever path led to the row, its versions are only the file's readers'.
        if (!(await isReadableFile(fs, ctx, row))) return [];
        const rows = await loadVersions(ctx, row[file.id.name]);
        return rows.map((v) => ({ ...v, public: row.public }));
      },
    }),
  );

  builder.mutationFields((t: any) => ({
    replaceFile: t.prismaField({
      type: file.model.name,
      description: 'Gives a file new content from a GraphQL multipart upload; the content it had is kept as a version. Needs the update rule.',
      extensions: mayUpdate,
      args: { id: t.arg({ type: idType, required: true }), file: t.arg({ type: 'Upload', required: true }), name: t.arg.string({ description: '@default the uploaded file name' }) },
      resolve: (query: object, _root: unknown, args: any, ctx: Context) => (assertStorableValues(args), replaceFile(fs, ctx, query, args)),
    }),
    createReplaceUrl: t.field({
      type: presigned,
      description: 'Starts replacing a file\'s content with a direct upload: a presigned PUT URL for the new bytes. Call completeReplace after the PUT. Needs the update rule.',
      extensions: mayUpdate,
      args: {
        id: t.arg({ type: idType, required: true }),
        contentType: t.arg.string({ required: true }),
        size: t.arg({ type: sizeType, required: true }),
        name: t.arg.string({ description: '@default the current name' }),
        checksum: t.arg.string({ description: 'SHA-256 of the bytes in hex; S3 then refuses any other body.' }),
      },
      resolve: (_root: unknown, args: any, ctx: Context) => (assertStorableValues(args), createReplaceUrl(fs, ctx, {}, args)),
    }),
    completeReplace: t.prismaField({
      type: file.model.name,
      description: 'Verifies the bytes PUT for createReplaceUrl (size, type, checksum) and makes them the file\'s content; the content it had is kept as a version.',
      extensions: mayUpdate,
      args: { id: t.arg({ type: idType, required: true }) },
      resolve: (query: object, _root: unknown, args: any, ctx: Context) => (assertStorableValues(args), completeReplace(fs, ctx, query, args)),
    }),
    restoreFileVersion: t.prismaField({
      type: file.model.name,
      description: 'Makes an earlier version the current content again; the current content becomes the newest version. Needs the update rule.',
      extensions: mayUpdate,
      args: { id: t.arg({ type: idType, required: true }), version: t.arg.int({ required: true }) },
      resolve: (query: object, _root: unknown, args: any, ctx: Context) => (assertStorableValues(args), restoreFileVersion(fs, ctx, query, args)),
    }),
  }));
}
