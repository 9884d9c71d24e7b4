import type { Datamodel, DmmfField, DmmfModel } from '../base/datamodel.ts';
import { backRelation } from '../base/datamodel.ts';

/**
 * How a relation field is stored, which decides the order of nested writes:
 * - `owning`: this row holds the foreign key (write the target first);
 * - `children`: the target rows hold the key (write them after this row);
 * - `manyToMany`: an implicit join table Prisma manages.
 */
export interface RelationShape {
  kind: 'owning' | 'children' | 'manyToMany';
  field: DmmfField;
  target: DmmfModel;
  back: DmmfField;
  /** Foreign-key columns (on this model when owning, on the target for children). */
  from: string[];
  /** The columns they reference. */
  to: string[];
}

export function relationShape(datamodel: Datamodel, model: DmmfModel, field: DmmfField): RelationShape {
  const target = datamodel.model(field.type);
  const back = backRelation(datamodel, model, field);
  if (field.relationFromFields?.length) {
    return { kind: 'owning', field, target, back, from: field.relationFromFields, to: field.relationToFields ?? [] };
  }
  if (back.relationFromFields?.length) {
    return { kind: 'children', field, target, back, from: back.relationFromFields, to: back.relationToFields ?? [] };
  }
  return { kind: 'manyToMany', field, target, back, from: [], to: [] };
}

/** The foreign-key values that point at `row` through `columns` → `referenced`. */
export function pointAt(from: string[], to: string[], row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(from.map((column, i) => [column, row[to[i]]]));
}

/** Foreign-key values set to null (a disconnect). */
export function pointNowhere(from: string[]): Record<string, null> {
  return Object.fromEntries(from.map((column) => [column, null]));
}
