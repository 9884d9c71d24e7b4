import { getRefFromModel } from '@pothos/plugin-prisma';
import type { Context } from '../../base/context.ts';
import { matchesRule } from '../../permissions/visibility.ts';
import type { DmmfField, DmmfModel } from '../../base/datamodel.ts';
import { delegateName, describe, idFields, relationFields, scalarFields } from '../../base/datamodel.ts';
import { assertStorableValues } from '../../base/check-input-values.ts';
import { nothing } from '../secure/secure-args.ts';
import type { Generator } from '../generator.ts';
import { listArgs } from '../generator.ts';
import { names } from '../../base/naming.ts';
import { graphqlScalar } from '../scalars.ts';

/** The GraphQL output type of a scalar or enum field. */
export function outputType(gen: Generator, field: DmmfField): unknown {
  const named = field.kind === 'enum' ? gen.refs.get(names.enumType(field.type)) : graphqlScalar(field.type);
  return field.isList ? [named] : named;
}

/** Arguments every to-many list takes: where, orderBy, skip, take, cursor. */
export function listArgDefs(gen: Generator, t: any, model: DmmfModel): Record<string, unknown> {
  const { registry, filters } = gen;
  return {
    where: t.arg({ type: registry.ref(filters.where(model)) }),
    orderBy: t.arg({ type: [registry.ref(filters.orderBy(model))] }),
    skip: t.arg.int(),
    take: t.arg.int(),
    cursor: t.arg({ type: registry.ref(filters.whereUnique(model)) }),
  };
}

/**
 * `PostRelationCount`: a variant of the model's object whose fields are
 * plugin-prisma relation counts, so a query counts only the relations it
 * asks for, each over the rows the viewer may read.
 */
function relationCountType(gen: Generator, model: DmmfModel, lists: DmmfField[]): unknown {
  return gen.builder.prismaObject(model.name, {
    variant: names.countType(model.name),
    description: `Number of related rows of each to-many relation of ${model.name}.`,
    fields: (t: any) =>
      Object.fromEntries(
        lists.map((f) => {
          const target = gen.datamodel.model(f.type);
          return [f.name, t.relationCount(f.name, { where: (_args: unknown, ctx: Context) => gen.policy(target.name).read(ctx) ?? nothing(target) })];
        }),
      ),
  });
}

/** A to-one relation: loaded with the parent's query, shown only if the viewer may read the target row. */
function toOneRelation(gen: Generator, t: any, field: DmmfField): unknown {
  const target = gen.datamodel.model(field.type);
  const policy = gen.policy(target.name);
  const inMemory = { fields: new Map(target.fields.map((f) => [f.name, f])), provider: gen.datamodel.provider };
  const description = describe(field.documentation);
  if (policy.openRead) return t.relation(field.name, { description, nullable: !field.isRequired });
  return t.field({
    // The model's ref, not its name: a model named like a root type (`Query`) has another GraphQL name.
    type: getRefFromModel(target.name, gen.builder),
    nullable: true,
    description,
    select: (_args: unknown, _ctx: unknown, nested: (s: unknown) => unknown) => ({ [field.name]: nested(true) }),
    resolve: async (parent: Record<string, any>, _args: unknown, ctx: Context) => {
      const row = parent[field.name];
      if (!row) return null;
      const visible = await matchesRule(ctx, delegateName(target.name), idFields(target), policy.read(ctx), row, inMemory);
      return visible ? row : null;
    },
  });
}

/** A scalar with a read rule of its own: null on rows where the viewer may not read it. */
function guardedScalar(gen: Generator, t: any, model: DmmfModel, field: DmmfField): unknown {
  const policy = gen.policy(model.name);
  const inMemory = { fields: new Map(model.fields.map((f) => [f.name, f])), provider: gen.datamodel.provider };
  return t.field({
    type: outputType(gen, field),
    nullable: true,
    description: describe(field.documentation),
    resolve: async (row: Record<string, unknown>, _args: unknown, ctx: Context) => {
      const visible = await matchesRule(ctx, delegateName(model.name), idFields(model), policy.readField(ctx, field.name), row, inMemory);
      return visible ? row[field.name] : null;
    },
  });
}

/**
 * The object type of a model: its scalars, its relations (loaded with the
 * parent query by plugin-prisma: one joined statement on PostgreSQL, one
 * statement per level on SQLite),
 * and `_count` of its to-many relations. Row and field rules apply at every
 * depth: lists are filtered in SQL, to-one targets and guarded fields are
 * checked in batches.
 */
export function defineModelObject(gen: Generator, model: DmmfModel): void {
  const lists = relationFields(model).filter((f) => f.isList);
  const countType = lists.length ? relationCountType(gen, model, lists) : undefined;
  const guarded = new Set(gen.policy(model.name).guardedFields);
  gen.builder.prismaObject(model.name, {
    // A model named like a type GraphQL or Strata owns (`Query`) gets another GraphQL name.
    name: names.objectType(model.name),
    description: describe(model.documentation),
    fields: (t: any) => {
      const fields: Record<string, unknown> = {};
      for (const field of scalarFields(model)) {
        fields[field.name] = guarded.has(field.name)
          ? guardedScalar(gen, t, model, field)
          : t.expose(field.name, { type: outputType(gen, field), nullable: !field.isRequired, description: describe(field.documentation) });
      }
      for (const field of relationFields(model)) {
        const target = gen.datamodel.model(field.type);
        fields[field.name] = field.isList
          ? t.relation(field.name, {
              description: describe(field.documentation),
              args: listArgDefs(gen, t, target),
              query: (args: Record<string, unknown>, ctx: Context) => {
                assertStorableValues(args, `${names.objectType(model.name)}.${field.name}`);
                return listArgs(gen, ctx, target, args, false);
              },
            })
          : toOneRelation(gen, t, field);
      }
      if (countType) fields._count = t.variant(countType);
      return fields;
    },
  });
}
