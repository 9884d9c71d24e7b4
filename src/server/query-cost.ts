import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** The arguments that ask for a page size. */
export const pageArguments = ['take', 'first', 'last'];

/**
 * The most rows an operation may read: every field with a selection (a row,
 * a page, an aggregate) costs 1 plus the cost of its selection, times its
 * page size. A field that takes `take`, `first` or `last` has the page size
 * it asks for (the larger of `first` and `last`, at most `maxTake`), or
 * `maxTake` when it asks none; any other field has 1. Scalars, `__typename`
 * and introspection cost nothing. So `users { posts { title } }` costs
 * 100 × (1 + 100 × 1) = 10,100 with `maxTake` 100. Arguments are read like
 * execution reads them: literals, variables, or the variables' defaults.
 * Each fragment is costed once, so the walk is linear in the document.
 */
export function queryCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>, maxTake: number): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const defaults = new Map(operation.variableDefinitions?.map((d) => [d.variable.name.value, d.defaultValue]));
  const memo = new Map<string, number>();

  const intArgument = (node: FieldNode, name: string): number | null => {
    let value = node.arguments?.find((a) => a.name.value === name)?.value;
    if (value?.kind === Kind.VARIABLE) {
      const variable = value.name.value;
      if (Object.hasOwn(variables, variable)) return typeof variables[variable] === 'number' ? (variables[variable] as number) : null;
      value = defaults.get(variable);
    }
    return value?.kind === Kind.INT ? Number.parseInt(value.value, 10) : null;
  };
  const pageSize = (field: GraphQLField<unknown, unknown>, node: FieldNode): number => {
    const names = pageArguments.filter((name) => field.args.some((a) => a.name === name));
    if (names.length === 0) return 1;
    const asked = names.map((name) => intArgument(node, name)).filter((n): n is number => n !== null);
    return asked.length ? Math.min(Math.max(...asked.map(Math.abs)), maxTake) : maxTake;
  };
  const selectionCost = (set: SelectionSetNode, type: GraphQLNamedType | undefined): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.selectionSet || selection.name.value.startsWith('__')) continue;
        const field = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[selection.name.value] : undefined;
        if (!field) continue;
        total += pageSize(field, selection) * (1 + selectionCost(selection.selectionSet, getNamedType(field.type)));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += selectionCost(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type);
      } else {
        const name = selection.name.value;
        if (!memo.has(name)) {
          const fragment = fragments.get(name);
          memo.set(name, 0); // validation refuses cycles; this guards the walk anyway
          memo.set(name, fragment ? selectionCost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value)) : 0);
        }
        total += memo.get(name)!;
      }
    }
    return total;
  };
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return selectionCost(operation.selectionSet, root ?? undefined);
}
