import type { DmmfField, DmmfModel } from '../dmmf.ts';
import { describe, relationFields, scalarFields } from '../dmmf.ts';
import type { Generator } from '../generator.ts';
import { listArgs } from '../generator.ts';
import { names } from '../naming.ts';
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

function relationCountType(gen: Generator, model: DmmfModel, lists: DmmfField[]): unknown {
  return gen.builder.objectRef(names.countType(model.name)).implement({
    description: `Number of related rows of each to-many relation of ${model.name}.`,
    fields: (t: any) =>
      Object.fromEntries(lists.map((f) => [f.name, t.int({ resolve: (counts: Record<string, number>) => counts[f.name] })])),
  });
}

/**
 * The object type of a model: its scalars, its relations (loaded with the
 * parent query by plugin-prisma, so nesting adds one statement per level),
 * and `_count` of its to-many relations.
 */
export function defineModelObject(gen: Generator, model: DmmfModel): void {
  const lists = relationFields(model).filter((f) => f.isList);
  const countType = lists.length ? relationCountType(gen, model, lists) : undefined;
  gen.builder.prismaObject(model.name, {
    name: names.objectType(model.name),
    description: describe(model.documentation),
    fields: (t: any) => {
      const fields: Record<string, unknown> = {};
      for (const field of scalarFields(model)) {
        fields[field.name] = t.expose(field.name, {
          type: outputType(gen, field),
          nullable: !field.isRequired,
          description: describe(field.documentation),
        });
      }
      for (const field of relationFields(model)) {
        const target = gen.datamodel.model(field.type);
        fields[field.name] = field.isList
          ? t.relation(field.name, {
              description: describe(field.documentation),
              args: listArgDefs(gen, t, target),
              query: (args: Record<string, unknown>) => listArgs(gen, target, args),
            })
          : t.relation(field.name, { description: describe(field.documentation), nullable: !field.isRequired });
      }
      if (countType) {
        fields._count = t.field({
          type: countType,
          select: { _count: { select: Object.fromEntries(lists.map((f) => [f.name, true])) } },
          resolve: (row: { _count: Record<string, number> }) => row._count,
        });
      }
      return fields;
    },
  });
}
