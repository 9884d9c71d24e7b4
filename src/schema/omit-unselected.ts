import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, Kind } from 'graphql';
import type { Datamodel, DmmfField, DmmfModel } from '../base/datamodel.ts';
import { idFields, relationFields } from '../base/datamodel.ts';
import { names } from '../base/naming.ts';

/** A Prisma read's arguments. */
export type Query = Record<string, unknown>;

/** The fields asked of `typeName`, by name, with their selection sets; null when a fragment's type condition is another type. */
function collectFields(info: GraphQLResolveInfo, sets: readonly SelectionSetNode[], typeName: string): Map<string, FieldNode[]> | null {
  const fields = new Map<string, FieldNode[]>();
  const included = (node: { directives?: readonly unknown[] }) =>
    !node.directives?.length ||
    (getDirectiveValues(GraphQLSkipDirective, node as never, info.variableValues)?.if !== true &&
      getDirectiveValues(GraphQLIncludeDirective, node as never, info.variableValues)?.if !== false);
  const visit = (set: SelectionSetNode): boolean => {
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const list = fields.get(selection.name.value) ?? [];
        list.push(selection);
        fields.set(selection.name.value, list);
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : info.fragments[selection.name.value];
      if (!fragment || (fragment.typeCondition && fragment.typeCondition.name.value !== typeName)) return false;
      if (!visit(fragment.selectionSet)) return false;
    }
    return true;
  };
  return sets.every(visit) ? fields : null;
}

/** The selection sets found by following `path` (e.g. `edges.node`) from `sets`. */
function descend(info: GraphQLResolveInfo, sets: readonly SelectionSetNode[], path: string[], typeNames: string[]): SelectionSetNode[] | null {
  let current = [...sets];
  for (const [i, step] of path.entries()) {
    const fields = collectFields(info, current, typeNames[i]);
    if (!fields) return null;
    current = (fields.get(step) ?? []).flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));
  }
  return current;
}

const shapes = new WeakMap<DmmfModel, { relations: Map<string, DmmfField>; scalars: Set<string>; ids: string[] }>();

/** A model's relations, columns and ids, worked out once per model rather than per request. */
function shapeOf(model: DmmfModel) {
  let shape = shapes.get(model);
  if (!shape) {
    shape = {
      relations: new Map(relationFields(model).map((f) => [f.name, f])),
      // Every column, those the API never shows (`/// @omit`, such as a password hash) included.
      scalars: new Set(model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum').map((f) => f.name)),
      ids: idFields(model),
    };
    shapes.set(model, shape);
  }
  return shape;
}

/**
 * Adds Prisma `omit` entries for the scalar columns a read does not ask for,
 * at the root and at every included relation, so PostgreSQL neither reads
 * nor serialises them (relationJoins builds a JSON object of every column of
 * every nested row) and Prisma does not decode them. Ids always stay (rules
 * and cursors use them); a level with a field Strata does not know (a custom
 * field such as `File.url`, which may read any column) keeps all its columns.
 */
function omitLevel(datamodel: Datamodel, model: DmmfModel, query: Query, info: GraphQLResolveInfo, sets: readonly SelectionSetNode[]): Query {
  if ('select' in query) return query;
  const fields = collectFields(info, sets, names.objectType(model.name));
  if (!fields) return query;
  const out: Query = { ...query };
  const { relations, scalars, ids } = shapeOf(model);
  const known = [...fields.keys()].every((name) => name === '__typename' || name === '_count' || scalars.has(name) || relations.has(name));
  if (known) {
    const keep = new Set([...ids, ...fields.keys()]);
    const omit = Object.fromEntries([...scalars].filter((f) => !keep.has(f)).map((f) => [f, true]));
    if (Object.keys(omit).length) out.omit = { ...(query.omit as Query | undefined), ...omit };
  }
  const include = query.include as Query | undefined;
  if (include) {
    const nested: Query = { ...include };
    for (const [name, value] of Object.entries(include)) {
      const field = relations.get(name);
      const nodes = fields.get(name);
      // An alias asking a relation twice (with other arguments) is loaded apart: leave its columns alone.
      if (!field || !nodes || nodes.length !== 1 || !nodes[0].selectionSet) continue;
      nested[name] = omitLevel(datamodel, datamodel.model(field.type), value === true ? {} : (value as Query), info, [nodes[0].selectionSet]);
    }
    out.include = nested;
  }
  return out;
}

/** {@link omitLevel} from a root field's selection, optionally below a path such as `['edges', 'node']` (with the type names along it). */
export function omitUnselected(datamodel: Datamodel, model: DmmfModel, query: Query, info: GraphQLResolveInfo, path: string[] = [], pathTypes: string[] = []): Query {
  const sets = descend(info, info.fieldNodes.flatMap((f) => (f.selectionSet ? [f.selectionSet] : [])), path, pathTypes);
  return sets && sets.length ? omitLevel(datamodel, model, query, info, sets) : query;
}
