import type { SchemaFragment } from '../engine/prepare-schema.ts';
import { readDatamodel } from '../base/datamodel.ts';
import { findFileModel } from './file-model.ts';

/** The models Strata adds to keep earlier contents of files and pending direct replacements; a user schema must not define them. */
export const fileVersionTableModels = ['StrataFileVersion', 'StrataFileReplacement'] as const;

/**
 * The Prisma model holding earlier versions of files (see docs/files.md,
 * "Versions"). `/// @internal`: never part of the API as a model; the file
 * fields expose it. `fileId` is a plain column (no relation), so the app's
 * file model needs no back-relation; rows of deleted files are removed
 * with their objects, and by the sweep when that failed.
 */
export function fileVersionsTable(idType: string): string {
  return `
/// @internal Strata files: earlier contents of a file, kept when it is replaced or restored.
model StrataFileVersion {
  fileId       ${idType}
  /// Increases per file: the newest earlier content has the highest number.
  version      Int
  key          String   @unique
  bucket       String
  size         BigInt
  contentType  String
  checksum     String?
  originalName String
  width        Int?
  height       Int?
  /// When this content stopped being the file's current content.
  replacedAt   DateTime @default(now())
  /// The user who replaced it (their id as text); null for other viewers.
  replacedBy   String?

  @@id([fileId, version])
  @@index([replacedAt])
  @@map("strata_file_version")
}

/// @internal Strata files: a direct (presigned) replacement of a file's content, started and not yet completed. One per file.
model StrataFileReplacement {
  fileId       ${idType} @id
  key          String   @unique
  size         BigInt
  contentType  String
  /// The SHA-256 (hex) the client declared, if any.
  checksum     String?
  originalName String
  createdAt    DateTime @default(now())
  /// The user who started it (their id as text); only they (or an admin) may complete it.
  createdBy    String?

  @@index([createdAt])
  @@map("strata_file_replacement")
}
`;
}

/** Appends the file version tables when the schema has a file model. */
export const fileVersionSchemaFragment: SchemaFragment = {
  label: "Strata's file version table",
  models: fileVersionTableModels,
  text(content, provider) {
    let file;
    try {
      file = findFileModel(readDatamodel(content, provider));
    } catch {
      return ''; // an invalid schema or file model: generation or start-up reports it
    }
    return file ? fileVersionsTable(file.id.type) : '';
  },
};
