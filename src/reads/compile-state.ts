import type { FragmentDefinitionNode, GraphQLObjectType, GraphQLSchema, SelectionSetNode, FieldNode } from 'graphql';
import { GraphQLIncludeDirective, GraphQLSkipDirective, Kind, type SelectionNode } from 'graphql';
import { getDirectiveValues } from 'graphql/execution/values.js';
import type { Context } from '../base/context.ts';
import type { Generator } from '../schema/generator.ts';
import type { SqlContext } from './sql/sql-context.ts';
import { unsupported } from './unsupported.ts';

/** What compiling one root field needs: the API's generator, the request, the statement being built. */
export interface CompileState {
  gen: Generator;
  schema: GraphQLSchema;
  /** The request's context: its viewer decides the rules (each evaluated once per request). */
  ctx: Context;
  sql: SqlContext;
  variables: Record<string, unknown>;
  fragments: Record<string, FragmentDefinitionNode>;
}

/**
 * The fields of a selection set in response order, fragments inlined, as
 * graphql-js would collect them for an object type. Anything whose merging
 * is subtle (directives, a response key named twice) is declined.
 */
export function collectFields(state: CompileState, type: GraphQLObjectType, selectionSet: SelectionSetNode, out = new Map<string, FieldNode>()): Map<string, FieldNode> {
  for (const selection of selectionSet.selections) {
    if (!isIncluded(state, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const seen = out.get(key);
      // The same leaf twice (`id id`) is one field; anything else graphql-js would merge is declined.
      if (seen && isSameLeaf(seen, selection)) continue;
      if (seen) unsupported('a response key selected twice');
      out.set(key, selection);
      continue;
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : state.fragments[selection.name.value];
    if (!fragment) unsupported('an unknown fragment');
    if (fragment.typeCondition && fragment.typeCondition.name.value !== type.name) unsupported('a fragment on another type');
    collectFields(state, type, fragment.selectionSet, out);
  }
  return out;
}

function isSameLeaf(a: FieldNode, b: FieldNode): boolean {
  return a.name.value === b.name.value && !a.selectionSet && !b.selectionSet && !a.arguments?.length && !b.arguments?.length;
}

/** `@skip` / `@include` as graphql-js applies them; any other directive is declined. */
function isIncluded(state: CompileState, selection: SelectionNode): boolean {
  for (const directive of selection.directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') unsupported(`the directive @${name}`);
    const { if: condition } = getDirectiveValues(name === 'skip' ? GraphQLSkipDirective : GraphQLIncludeDirective, selection, state.variables) as { if: boolean };
    if (condition === (name === 'skip')) return false;
  }
  return true;
}
