/**
 * Sample data for the smoke pass, built from the datamodel alone: create
 * inputs (with nested creates for required parents), selections, and how
 * values come back.
 */
import { getNamedType, type GraphQLSchema, isObjectType } from 'graphql';
import { type DmmfField, type DmmfModel, relationFields, scalarFields } from '../../src/base/datamodel.ts';
import { names } from '../../src/base/naming.ts';
import type { TestApp } from '../support/test-app.ts';

export type Row = Record<string, unknown>;

/** Per-model hand-written create data, when the generic one cannot do (merged over it). */
export type CreateOverrides = Record<string, (n: number) => Row>;

let counter = 0;
const next = () => ++counter;

/** A fresh GraphQL input value for a scalar or enum field (lists get two items). */
export function sampleValue(t: TestApp, field: DmmfField, n = next()): unknown {
  const one = (i: number): unknown => {
    if (field.kind === 'enum') {
      const values = t.app.datamodel.enums.find((e) => e.name === field.type)!.values;
      return names.enumValue(values[i % values.length].name);
    }
    switch (field.type) {
      case 'String':
        return `${field.name}-${i}`;
      case 'Int':
        return i;
      case 'Float':
        return i + 0.5;
      case 'Boolean':
        return i % 2 === 0;
      case 'BigInt':
        return (9007199254740993n + BigInt(i)).toString();
      case 'Decimal':
        return `${i}.25`;
      case 'DateTime':
        return new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
      case 'Json':
        return { n: i, nested: [1, 'two', { three: true }], none: null };
      case 'Bytes':
        return Buffer.from([i % 256, 0, 255, 1]).toString('base64');
      default:
        throw new Error(`No sample value for ${field.type}`);
    }
  };
  return field.isList ? [one(n), one(n + 1)] : one(n);
}

/** Scalars that a relation of the model owns (foreign keys): they are written through the relation. */
export const foreignKeys = (model: DmmfModel) => new Set(model.fields.flatMap((f) => f.relationFromFields ?? []));

/** The other side of a relation field. */
function opposite(t: TestApp, model: DmmfModel, field: DmmfField): DmmfField {
  const target = t.app.datamodel.model(field.type);
  return target.fields.find(
    (f) => f.kind === 'object' && f.type === model.name && f.relationName === field.relationName && !(target.name === model.name && f.name === field.name),
  )!;
}

/**
 * Create data for `model`: every writable scalar (ids only when they have no
 * default), and a nested `create` for every required relation it owns.
 * `without` is the relation a nested create comes through.
 */
export function createData(t: TestApp, model: DmmfModel, overrides: CreateOverrides = {}, without?: DmmfField): Row {
  const n = next();
  const fks = foreignKeys(model);
  const data: Row = {};
  for (const field of scalarFields(model)) {
    if (fks.has(field.name) || field.isUpdatedAt) continue;
    if (field.isId && field.hasDefaultValue) continue;
    data[field.name] = sampleValue(t, field, n);
  }
  for (const field of relationFields(model)) {
    if (field === without || field.isList || !field.isRequired) continue;
    const target = t.app.datamodel.model(field.type);
    data[field.name] = { create: createData(t, target, overrides, opposite(t, model, field)) };
  }
  return { ...data, ...overrides[model.name]?.(n) };
}

/** Selection of every scalar, plus a peek at each relation and `_count`. */
export function selection(model: DmmfModel): string {
  const parts = scalarFields(model).map((f) => f.name);
  for (const field of relationFields(model)) parts.push(field.isList ? `${field.name}(take: 1) { __typename }` : `${field.name} { __typename }`);
  if (relationFields(model).some((f) => f.isList)) parts.push(`_count { ${relationFields(model).filter((f) => f.isList).map((f) => f.name).join(' ')} }`);
  return `{ ${parts.join(' ')} }`;
}

/** Every field of an output type down to the leaves (no arguments needed), for aggregate types. */
export function leafSelection(schema: GraphQLSchema, typeName: string): string {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) return '';
  const parts = Object.values(type.getFields()).map((field) => {
    const named = getNamedType(field.type);
    return isObjectType(named) ? `${field.name} ${leafSelection(schema, named.name)}` : field.name;
  });
  return `{ ${parts.join(' ')} }`;
}

/** What the API returns for a value it was sent. */
export function normalize(field: DmmfField, value: unknown): unknown {
  if (value == null) return value;
  if (field.isList) return (value as unknown[]).map((v) => normalize({ ...field, isList: false }, v));
  if (field.type === 'DateTime') return new Date(value as string).toISOString();
  if (field.type === 'Decimal') return String(Number(value));
  return value;
}

