import type { Datamodel, DmmfField, DmmfModel } from '../base/datamodel.ts';

/** The model holding file rows, and what Strata needs to know of it. */
export interface FileModel {
  model: DmmfModel;
  /** Prisma Client property, e.g. `file`. */
  delegate: string;
  /** The single-column primary key (`id`). */
  id: DmmfField;
  /** `Int` (up to 2 GiB - 1) or `BigInt`. */
  sizeType: 'Int' | 'BigInt';
  /** Whether the model has `ownerId` (set to the uploading user). */
  hasOwner: boolean;
  /** Whether the model has `metadata Json?`. */
  hasMetadata: boolean;
  /** Whether the model has `width Int?` and `height Int?`, which Strata sets for images. */
  hasDimensions: boolean;
}

/** Columns Strata writes itself; clients can never set them through any mutation. */
export const managedFileFields = ['key', 'bucket', 'size', 'contentType', 'checksum', 'status', 'public', 'ownerId', 'createdAt', 'width', 'height'] as const;

const required: [name: string, types: string[], nullable: boolean | 'either'][] = [
  ['key', ['String'], false],
  ['bucket', ['String'], false],
  ['size', ['Int', 'BigInt'], false],
  ['contentType', ['String'], false],
  ['checksum', ['String'], true],
  ['originalName', ['String'], false],
  ['public', ['Boolean'], false],
  ['createdAt', ['DateTime'], false],
];

const annotated = (m: DmmfModel) => /(^|\s)@file\b/.test(m.documentation ?? '');

/** What keeps `model` from being a file model; empty when it is one. */
export function fileModelProblems(datamodel: Datamodel, model: DmmfModel): string[] {
  const problems: string[] = [];
  const field = (name: string) => model.fields.find((f) => f.name === name);
  const ids = model.fields.filter((f) => f.isId);
  if (ids.length !== 1 || !['String', 'Int'].includes(ids[0].type)) problems.push('needs a single String or Int @id');
  for (const [name, types, nullable] of required) {
    const f = field(name);
    if (!f || f.kind !== 'scalar' || f.isList || !types.includes(f.type)) problems.push(`needs a field \`${name} ${types.join(' | ')}${nullable ? '?' : ''}\``);
    else if (nullable === false && !f.isRequired) problems.push(`field \`${name}\` must be required`);
  }
  if (!field('key')?.isUnique) problems.push('field `key` must be @unique');
  const status = field('status');
  const statusEnum = status?.kind === 'enum' ? datamodel.enums.find((e) => e.name === status.type) : undefined;
  const values = new Set(statusEnum?.values.map((v) => v.name));
  if (!statusEnum || !values.has('PENDING') || !values.has('ACTIVE') || status?.isList) problems.push('needs a field `status` of an enum with values PENDING and ACTIVE');
  const owner = field('ownerId');
  if (owner && (owner.kind !== 'scalar' || owner.isRequired)) problems.push('field `ownerId` must be optional (String? or Int?) when present');
  const metadata = field('metadata');
  if (metadata && (metadata.type !== 'Json' || metadata.isRequired)) problems.push('field `metadata` must be `Json?` when present');
  const width = field('width');
  const height = field('height');
  for (const f of [width, height]) {
    if (f && (f.kind !== 'scalar' || f.type !== 'Int' || f.isRequired || f.isList)) problems.push(`field \`${f.name}\` must be \`Int?\` when present`);
  }
  if (!width !== !height) problems.push('fields `width` and `height` go together: add both or neither');
  return problems;
}

/**
 * Finds the schema's file model: the model documented `/// @file` (which must
 * then have every required field), else a model named `File` that has them.
 * A model named `File` missing fields stays an ordinary model. At most one
 * model may be annotated.
 */
export function findFileModel(datamodel: Datamodel): FileModel | null {
  const marked = datamodel.models.filter(annotated);
  if (marked.length > 1) throw new Error(`Only one model may be marked /// @file, found ${marked.map((m) => m.name).join(', ')}`);
  const candidate = marked[0] ?? datamodel.models.find((m) => m.name === 'File');
  if (!candidate) return null;
  const problems = fileModelProblems(datamodel, candidate);
  if (problems.length) {
    if (!marked.length) return null;
    throw new Error(`Model ${candidate.name} is marked /// @file but:\n${problems.map((p) => `  - ${p}`).join('\n')}\n(see docs/files.md for the fields a file model needs)`);
  }
  const field = (name: string) => candidate.fields.find((f) => f.name === name);
  return {
    model: candidate,
    delegate: candidate.name.charAt(0).toLowerCase() + candidate.name.slice(1),
    id: candidate.fields.find((f) => f.isId)!,
    sizeType: field('size')!.type as 'Int' | 'BigInt',
    hasOwner: !!field('ownerId'),
    hasMetadata: !!field('metadata'),
    hasDimensions: !!field('width') && !!field('height'),
  };
}
