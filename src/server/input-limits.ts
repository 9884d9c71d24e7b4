import { type DefinitionNode, type DocumentNode, Kind, type OperationDefinitionNode, type ValueNode, visit } from 'graphql';
import type { LimitsConfig } from '../base/config.ts';
import { badInput } from '../base/errors.ts';

type InputLimits = Pick<LimitsConfig, 'maxInputString' | 'maxInputList' | 'maxInputDepth' | 'maxInputValues'>;

/**
 * Throws BAD_USER_INPUT naming the setting when arguments exceed a limit: a
 * string, a list, the nesting of input objects and lists, or the number of
 * values in all. With `run` (at execution), the arguments of its operation
 * and of the fragments, a variable counting where it is used exactly like
 * the literal it stands for (its default value when absent). Without (before
 * validation, which is slow on huge literals), the literals of the whole
 * document, default values included. The walk stops at the first excess, so
 * it costs at most `maxInputValues` steps and `maxInputDepth` stack frames.
 */
export function checkInputLimits(document: DocumentNode, limits: InputLimits, run?: { operation: OperationDefinitionNode; variables: Record<string, unknown> }): void {
  let values = 0;
  const variables = run?.variables ?? {};
  const defaults = new Map(run?.operation.variableDefinitions?.map((d) => [d.variable.name.value, d.defaultValue]));
  const count = () => {
    if (++values > limits.maxInputValues) throw badInput(`Input has more than STRATA_MAX_INPUT_VALUES (${limits.maxInputValues}) values`, { limit: 'STRATA_MAX_INPUT_VALUES' });
  };
  const container = (depth: number, length: number, isList: boolean) => {
    count();
    if (depth > limits.maxInputDepth) throw badInput(`Input nested deeper than STRATA_MAX_INPUT_DEPTH (${limits.maxInputDepth})`, { limit: 'STRATA_MAX_INPUT_DEPTH' });
    if (isList && length > limits.maxInputList) throw badInput(`Input list longer than STRATA_MAX_INPUT_LIST (${limits.maxInputList} items)`, { limit: 'STRATA_MAX_INPUT_LIST' });
  };
  const string = (length: number) => {
    count();
    if (length > limits.maxInputString) throw badInput(`Input string longer than STRATA_MAX_INPUT_STRING (${limits.maxInputString} characters)`, { limit: 'STRATA_MAX_INPUT_STRING' });
  };

  const raw = (value: unknown, depth: number): void => {
    if (typeof value === 'string') return string(value.length);
    if (Array.isArray(value)) {
      container(depth + 1, value.length, true);
      for (const item of value) raw(item, depth + 1);
      return;
    }
    // Plain objects only: uploaded files and other class instances are single values.
    if (value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
      const entries = Object.values(value);
      container(depth + 1, entries.length, false);
      for (const item of entries) raw(item, depth + 1);
      return;
    }
    count();
  };
  const literal = (node: ValueNode, depth: number): void => {
    switch (node.kind) {
      case Kind.VARIABLE: {
        const name = node.name.value;
        if (Object.hasOwn(variables, name)) return raw(variables[name], depth);
        const fallback = defaults.get(name);
        return fallback ? literal(fallback, depth) : count();
      }
      case Kind.LIST:
        container(depth + 1, node.values.length, true);
        for (const item of node.values) literal(item, depth + 1);
        return;
      case Kind.OBJECT:
        container(depth + 1, node.fields.length, false);
        for (const field of node.fields) literal(field.value, depth + 1);
        return;
      case Kind.STRING:
        return string(node.value.length);
      default:
        count();
    }
  };

  for (const definition of document.definitions) {
    if (run && definition !== run.operation && definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const { defaults, args } = inputValues(definition);
    if (!run) for (const value of defaults) literal(value, 0);
    for (const value of args) literal(value, 0);
  }
}

/** Per definition of a parsed (and cached) document: its variables' default values and its arguments' values, in document order. */
const valuesOf = new WeakMap<DefinitionNode, { defaults: ValueNode[]; args: ValueNode[] }>();

function inputValues(definition: DefinitionNode): { defaults: ValueNode[]; args: ValueNode[] } {
  let found = valuesOf.get(definition);
  if (!found) {
    const values: { defaults: ValueNode[]; args: ValueNode[] } = { defaults: [], args: [] };
    visit(definition, {
      VariableDefinition: (node) => {
        if (node.defaultValue) values.defaults.push(node.defaultValue);
        return false;
      },
      Argument: (node) => {
        values.args.push(node.value);
        return false;
      },
    });
    valuesOf.set(definition, (found = values));
  }
  return found;
}

/**
 * The deepest nesting of `{`, `[` and `(` in a GraphQL document, outside
 * strings and comments, counted up to `stopAbove` + 1. graphql-js parses
 * recursively: a literal nested some thousand levels deep overflows the
 * stack before any limit sees the document, so this runs before parsing.
 */
export function documentNesting(source: string, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (c === '"') {
      if (source.startsWith('"""', i)) {
        // Inside block strings only \""" escapes the delimiter.
        let close = source.indexOf('"""', i + 3);
        while (close !== -1 && source[close - 1] === '\\') close = source.indexOf('"""', close + 3);
        i = close === -1 ? source.length : close + 2;
      } else {
        for (i++; i < source.length && source[i] !== '"' && source[i] !== '\n'; i++) if (source[i] === '\\') i++;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      if (++depth > deepest && (deepest = depth) > stopAbove) return deepest;
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
    }
  }
  return deepest;
}
