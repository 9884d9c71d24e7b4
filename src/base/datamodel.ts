import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** One field of a Prisma model, as the datamodel describes it. */
export interface DmmfField {
  name: string;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isUnique: boolean;
  isId: boolean;
  isReadOnly: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  /** The referential action of the side holding the foreign key, when the schema names one. */
  relationOnDelete?: 'Cascade' | 'Restrict' | 'NoAction' | 'SetNull' | 'SetDefault';
  documentation?: string;
}

export interface DmmfModel {
  name: string;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
  uniqueIndexes: { name: string | null; fields: string[] }[];
  documentation?: string;
}

export interface DmmfEnum {
  name: string;
  values: { name: string }[];
  documentation?: string;
}

/** The datamodel Strata builds the API from, plus lookups over it. */
export interface Datamodel {
  provider: 'sqlite' | 'postgresql';
  models: DmmfModel[];
  enums: DmmfEnum[];
  model(name: string): DmmfModel;
}

/** A way to pick one row: one unique field, or a compound key under its Prisma name (`a_b`). */
export interface UniqueKey {
  name: string;
  fields: string[];
}

/**
 * Reads the datamodel of a prepared schema through Prisma's own schema parser
 * (WebAssembly, shipped in npm). This is the only place that parses DMMF.
 */
export function readDatamodel(schemaText: string, provider: 'sqlite' | 'postgresql'): Datamodel {
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: schemaText })));
  // Models documented `@internal` (Strata's own tables: sessions, outbox...) are not part of the API.
  const models = (dmmf.datamodel.models as DmmfModel[]).filter((m) => !/(^|\s)@internal\b/.test(m.documentation ?? ''));
  const byName = new Map(models.map((m) => [m.name, m]));
  return {
    provider,
    models,
    enums: dmmf.datamodel.enums as DmmfEnum[],
    model(name) {
      const found = byName.get(name);
      if (!found) throw new Error(`Unknown model ${name}`);
      return found;
    },
  };
}

/** True when the field's doc comment hides it from the API (`/// @omit`). */
export function isOmitted(field: DmmfField): boolean {
  return /(^|\s)@omit\b/.test(field.documentation ?? '');
}

/** The doc comment without Strata's `@annotations`, for a GraphQL description. */
export function describe(documentation: string | undefined): string | undefined {
  const text = documentation
    ?.split('\n')
    .filter((line) => !/^\s*@\w+/.test(line))
    .join('\n')
    .trim();
  return text || undefined;
}

export const scalarFields = (model: DmmfModel) =>
  model.fields.filter((f) => (f.kind === 'scalar' || f.kind === 'enum') && !isOmitted(f));

export const relationFields = (model: DmmfModel) => model.fields.filter((f) => f.kind === 'object' && !isOmitted(f));

/** Every unique key of a model: the id, single unique fields, compound id and compound uniques. */
export function uniqueKeys(model: DmmfModel): UniqueKey[] {
  const keys: UniqueKey[] = model.fields.filter((f) => f.isId || f.isUnique).map((f) => ({ name: f.name, fields: [f.name] }));
  const compound = [model.primaryKey, ...model.uniqueIndexes].filter((k): k is { name: string | null; fields: string[] } => !!k);
  for (const key of compound) keys.push({ name: key.name ?? key.fields.join('_'), fields: key.fields });
  return keys;
}

/** The fields that identify a row in cursors and tie-breaking order: the primary key. */
export function idFields(model: DmmfModel): string[] {
  const ids = model.fields.filter((f) => f.isId).map((f) => f.name);
  if (ids.length) return ids;
  if (model.primaryKey) return model.primaryKey.fields;
  return uniqueKeys(model)[0]?.fields ?? [];
}

/** The field on the other side of a relation (Prisma relations are always two-sided). */
export function backRelation(datamodel: Datamodel, model: DmmfModel, field: DmmfField): DmmfField {
  const target = datamodel.model(field.type);
  // Relation names are unique per pair of models only (Car.owner and Boat.owner may both be "Owner"): match the type too.
  const back = target.fields.find(
    (f) =>
      f.kind === 'object' && f.type === model.name && f.relationName === field.relationName && !(target.name === model.name && f.name === field.name),
  );
  if (!back) throw new Error(`Relation ${model.name}.${field.name} has no opposite field`);
  return back;
}

export const numericTypes = new Set(['Int', 'Float', 'Decimal', 'BigInt']);

/** The Prisma Client property of a model: `postLike` for `PostLike`. */
export const delegateName = (model: string) => model.charAt(0).toLowerCase() + model.slice(1);

/** The Prisma `where` that selects one row by its primary key values. */
export function idWhere(model: DmmfModel, row: Record<string, unknown>): Record<string, unknown> {
  const fields = idFields(model);
  if (fields.length === 1) return { [fields[0]]: row[fields[0]] };
  const name = model.primaryKey?.name ?? fields.join('_');
  return { [name]: Object.fromEntries(fields.map((f) => [f, row[f]])) };
}

/** A plain where matching a row by its primary key columns. */
export function keyWhere(model: DmmfModel, row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(idFields(model).map((f) => [f, row[f]]));
}

/** A unique-where input (possibly with compound keys) as a plain where. */
export function plainUnique(model: DmmfModel, unique: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(unique)) {
    const isField = model.fields.some((f) => f.name === key);
    if (!isField && value && typeof value === 'object') Object.assign(out, value);
    else out[key] = value;
  }
  return out;
}
