import type { GraphQLSchema } from 'graphql';
import type { LimitsConfig } from '../base/config.ts';
import { noWriteHooks, type WriteHooks } from '../hooks/write-hooks.ts';
import { allowAll, type Policy } from '../permissions/policy.ts';
import { createBuilder } from './builder.ts';
import { type Datamodel, describe, scalarFields } from '../base/datamodel.ts';
import type { Generator } from './generator.ts';
import { InputRegistry } from './input-registry.ts';
import { ScalarFilters } from './inputs/filters.ts';
import { ModelFilters } from './inputs/model-filters.ts';
import { ModelWrites } from './inputs/model-writes.ts';
import { names } from '../base/naming.ts';
import type { SchemaExtension } from './schema-extension.ts';
import { defineMutations } from './operations/mutations.ts';
import { defineQueries } from './operations/queries.ts';
import { defineAggregateTypes } from './types/aggregates.ts';
import { defineConnectionType, definePageInfo } from './types/connection.ts';
import { defineModelObject } from './types/model-object.ts';

export interface BuildSchemaOptions {
  datamodel: Datamodel;
  limits: LimitsConfig;
  /** Access rules. @default allowAll */
  policy?: Policy;
  /** Prisma's `DbNull` marker from the generated client (a JSON column set to SQL NULL). */
  dbNull: unknown;
  /** The app's hooks and triggers, called by the write pipeline. @default none */
  hooks?: WriteHooks;
  /**
   * What the capabilities add (subscriptions, auth, files, the app's functions), defined in this
   * order after the generated API; the order is the order of the printed types. @default none
   */
  extensions?: readonly SchemaExtension[];
}

/** Defines enums shared by every model, the schema's own enums, and each model's field enum. */
function defineEnums(builder: any, datamodel: Datamodel): Map<string, unknown> {
  const refs = new Map<string, unknown>();
  for (const e of datamodel.enums) {
    // Keyed and named by the GraphQL name, which may differ from Prisma's (see names.enumType/enumValue).
    const values = Object.fromEntries(e.values.map((v) => [names.enumValue(v.name), { value: v.name }]));
    refs.set(names.enumType(e.name), builder.enumType(names.enumType(e.name), { description: describe(e.documentation), values }));
  }
  refs.set(names.sortOrder, builder.enumType(names.sortOrder, { values: ['asc', 'desc'] }));
  if (datamodel.provider === 'postgresql') {
    refs.set(names.queryMode, builder.enumType(names.queryMode, { values: ['default', 'insensitive'] }));
  }
  return refs;
}

/** Fails early, naming both models, when two would get the same operation (`Person` → `people`, `People` → `people`). */
function assertDistinctOperations(datamodel: Datamodel): void {
  const operations = [names.findUnique, names.findMany, names.connection, names.count, names.aggregate, names.groupBy, names.createOne, names.createMany, names.updateOne, names.updateMany, names.upsertOne, names.deleteOne, names.deleteMany];
  const owners = new Map<string, string>();
  for (const model of datamodel.models) {
    for (const name of new Set(operations.map((operation) => operation(model.name)))) {
      const other = owners.get(name);
      if (other) throw new Error(`Models ${other} and ${model.name} would both define the GraphQL operation "${name}": rename one of them (@@map keeps its table name)`);
      owners.set(name, model.name);
    }
  }
}

/**
 * Builds the whole CRUD API (DESIGN.md section 3) from a datamodel. Pure: no
 * I/O, the Prisma client arrives per request through the context.
 */
export function buildSchema({ datamodel, limits, dbNull, policy = allowAll, hooks = noWriteHooks, extensions = [] }: BuildSchemaOptions): GraphQLSchema {
  assertDistinctOperations(datamodel);
  const builder = createBuilder({ datamodel: { models: datamodel.models } });
  const enums = defineEnums(builder, datamodel);
  const fieldEnums = new Map<string, string>();
  for (const model of datamodel.models) {
    const name = names.scalarFieldEnum(model.name);
    const values = Object.fromEntries(scalarFields(model).filter((f) => !f.isList).map((f) => [names.enumValue(f.name), { value: f.name }]));
    enums.set(name, builder.enumType(name, { values }));
    fieldEnums.set(model.name, name);
  }
  const registry = new InputRegistry(builder, enums, dbNull);
  const scalarFilters = new ScalarFilters(registry, datamodel);
  const filters = new ModelFilters(registry, scalarFilters, datamodel, new Map([...fieldEnums].map(([m, n]) => [m, enums.get(n) as string])));
  const gen: Generator = {
    builder,
    datamodel,
    registry,
    filters,
    writes: new ModelWrites(registry, filters, datamodel, (model) => policy(model).presetFields.create),
    limits,
    policy,
    refs: new Map(enums),
    hooks,
  };

  builder.queryType({});
  builder.mutationType({});
  gen.refs.set(
    names.batchPayload,
    builder.objectRef(names.batchPayload).implement({
      description: 'How many rows a batch operation affected.',
      fields: (t: any) => ({ count: t.exposeInt('count') }),
    }),
  );
  definePageInfo(gen);
  // Inputs are registered before any fields thunk runs: Pothos cannot add types while building.
  for (const model of datamodel.models) {
    for (const define of [filters.where, filters.whereUnique, filters.orderBy, filters.having, filters.groupByOrderBy]) {
      define.call(filters, model);
    }
    for (const define of [gen.writes.create, gen.writes.update, gen.writes.createMany, gen.writes.updateMany]) {
      define.call(gen.writes, model);
    }
  }
  for (const model of datamodel.models) {
    defineModelObject(gen, model);
    defineAggregateTypes(gen, model);
    defineConnectionType(gen, model);
  }
  for (const model of datamodel.models) {
    defineQueries(gen, model);
    defineMutations(gen, model);
  }
  for (const extension of extensions) extension.define?.(gen);
  // The read compiler (src/reads) answers generated reads from the same generator (src/server/plugins/use-compiled-reads.ts).
  return builder.toSchema({ sortSchema: false, extensions: { strataGenerator: gen } });
}
