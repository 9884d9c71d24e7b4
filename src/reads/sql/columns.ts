import type { Datamodel, DmmfField, DmmfModel } from '../../base/datamodel.ts';
import { backRelation, idFields } from '../../base/datamodel.ts';
import { quote } from './sql-context.ts';

/**
 * Database names of models and fields (`@@map` / `@map` win over the API
 * names), and how a relation joins two rows. Prisma's DMMF carries `dbName`;
 * Strata's DMMF type leaves it out, so it is read here and nowhere else.
 */

const dbName = (item: object): string | null | undefined => (item as { dbName?: string | null }).dbName;

/** The quoted table of a model. */
export const table = (model: DmmfModel): string => quote(dbName(model) ?? model.name);

/** The quoted column of a scalar field on the row aliased `alias`. */
export const column = (alias: string, field: DmmfField): string => `${quote(alias)}.${quote(dbName(field) ?? field.name)}`;

/** A scalar field of `model` by its API name. */
export function scalarField(model: DmmfModel, name: string): DmmfField {
  const field = model.fields.find((f) => f.name === name);
  if (!field || field.kind === 'object') throw new Error(`${model.name}.${name} is not a scalar field`);
  return field;
}

/** An enum value as the database stores it (`@map` on the value). */
export function enumDbValue(datamodel: Datamodel, enumName: string, value: unknown): unknown {
  const found = datamodel.enums.find((e) => e.name === enumName)?.values.find((v) => v.name === value);
  return (found && dbName(found)) ?? value;
}

/** The quoted database type of an enum (PostgreSQL: `CREATE TYPE` under the enum's `@@map`). */
export function enumDbType(datamodel: Datamodel, enumName: string): string {
  const found = datamodel.enums.find((e) => e.name === enumName);
  return quote((found && dbName(found)) ?? enumName);
}

/**
 * How a row of `model` (aliased `from`) reaches the rows of relation `field`
 * (aliased `to`): the tables to put in a subquery's FROM and the condition
 * tying them to the outer row. An implicit many-to-many goes through its join
 * table `_Relation` (columns `A` and `B`).
 */
export interface RelationJoin {
  /** `FROM` items of the subquery, the target aliased `to`. */
  from: string;
  /** The condition tying the subquery to the outer row. */
  on: string;
  /** Target columns never NULL on a joined row (Prisma tests these for "a row was found"). */
  present: string[];
  /** When the outer row holds the foreign key: its columns (to-one `is: null` tests them). */
  ownKeys?: string[];
}

export function relationJoin(datamodel: Datamodel, model: DmmfModel, field: DmmfField, from: string, to: string, alias: () => string): RelationJoin {
  const target = datamodel.model(field.type);
  const scalar = (m: DmmfModel, name: string) => scalarField(m, name);
  const pairs = (ours: string[], theirs: string[]) => ours.map((name, i) => `${column(from, scalar(model, name))} = ${column(to, scalar(target, theirs[i]))}`).join(' AND ');
  if (field.relationFromFields?.length) {
    const theirs = field.relationToFields!;
    return {
      from: `${table(target)} AS ${quote(to)}`,
      on: pairs(field.relationFromFields, theirs),
      present: theirs.map((n) => column(to, scalar(target, n))),
      ownKeys: field.relationFromFields.map((n) => column(from, scalar(model, n))),
    };
  }
  const back = backRelation(datamodel, model, field);
  if (back.relationFromFields?.length) {
    return {
      from: `${table(target)} AS ${quote(to)}`,
      on: pairs(back.relationToFields!, back.relationFromFields),
      present: back.relationFromFields.map((n) => column(to, scalar(target, n))),
    };
  }
  // Implicit many-to-many: column A holds the model first by name (for a self relation, the field first by name).
  const selfFirst = model.name === target.name ? field.name < back.name : model.name < target.name;
  const [mine, theirs] = selfFirst ? ['A', 'B'] : ['B', 'A'];
  const link = alias();
  const ourId = scalar(model, idFields(model)[0]);
  const targetId = scalar(target, idFields(target)[0]);
  return {
    from: `${quote(`_${field.relationName}`)} AS ${quote(link)} JOIN ${table(target)} AS ${quote(to)} ON ${column(to, targetId)} = ${quote(link)}.${quote(theirs)}`,
    on: `${quote(link)}.${quote(mine)} = ${column(from, ourId)}`,
    present: [column(to, targetId)],
  };
}
