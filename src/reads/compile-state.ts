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
 * graphql-js would collect them for an object type: a response key selected
 * twice is one field with both selections merged; directives other than
 * `@skip`/`@include` are declined.
 */
export function collectFields(state: CompileState, type: GraphQLObjectType, selectionSet: SelectionSetNode, out = new Map<string, FieldNode>()): Map<string, FieldNode> {
  for (const selection of selectionSet.selections) {
    if (!isIncluded(state, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const seen = out.get(key);
      // Validation let the document through, so both are the same field with the same arguments (OverlappingFieldsCanBeMerged):
      // graphql-js answers it once, at its first place, with both selections merged.
      out.set(key, seen ? merged(seen, selection) : selection);
      continue;
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : state.fragments[selection.name.value];
    if (!fragment) unsupported('an unknown fragment');
    if (fragment.typeCondition && fragment.typeCondition.name.value !== type.name) unsupported('a fragment on another type');
    collectFields(state, type, fragment.selectionSet, out);
  }
  return out;
}

/** A field selected twice under one response key, as one field whose selection has both selections in order. */
function merged(first: FieldNode, second: FieldNode): FieldNode {
  if (first.name.value !== second.name.value) unsupported('two fields under one response key');
  if (!first.selectionSet || !second.selectionSet) return first;
  return { ...first, selectionSet: { ...first.selectionSet, selections: [...first.selectionSet.selections, ...second.selectionSet.selections] } };
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
