import type { FieldNode, GraphQLObjectType, SelectionSetNode } from 'graphql';
import { getNamedType, isObjectType } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import { assertStorableValues } from '../base/check-input-values.ts';
import type { Where } from '../permissions/policy.ts';
import type { DmmfField, DmmfModel } from '../base/datamodel.ts';
import { relationFields, scalarFields } from '../base/datamodel.ts';
import { listArgs } from '../schema/generator.ts';
import { nothing } from '../schema/secure/secure-args.ts';
import { type CompileState, collectFields } from './compile-state.ts';
import { compileList } from './compile-list.ts';
import { type JsonPair, jsonObject, literal } from './json-sql.ts';
import { column, relationJoin } from './sql/columns.ts';
import { compileWhere } from './sql/compile-where.ts';
import { scalarJson } from './sql/scalar-json.ts';
import { unsupported } from './unsupported.ts';

/** A row rule as an SQL condition on `alias` (`null`: no row passes, `{}`: every row). */
export function ruleCondition(state: CompileState, model: DmmfModel, alias: string, rule: Where | null): string | null {
  if (rule === null) return '1=0';
  return compileWhere(state.sql, model, alias, rule);
}

/**
 * The JSON object of one row of `model` (aliased `alias`) for a selection
 * set of its GraphQL object type, exactly as the resolvers of
 * model-object.ts would answer it: guarded scalars null where their field
 * rule fails, to-one relations null where the target's read rule fails,
 * to-many lists and `_count` over readable rows only.
 */
export function compileObject(state: CompileState, model: DmmfModel, type: GraphQLObjectType, alias: string, selectionSet: SelectionSetNode | undefined): string {
  return jsonObject(state.sql.dialect, objectPairs(state, model, type, alias, selectionSet));
}

/** The keys and values of {@link compileObject}'s object, in the response's order (a list makes them its columns). */
export function objectPairs(state: CompileState, model: DmmfModel, type: GraphQLObjectType, alias: string, selectionSet: SelectionSetNode | undefined): JsonPair[] {
  if (!selectionSet) unsupported('an object without a selection');
  const policy = state.gen.policy(model.name);
  const guarded = new Set(policy.guardedFields);
  const pairs: JsonPair[] = [];
  for (const [key, node] of collectFields(state, type, selectionSet)) {
    const name = node.name.value;
    if (name === '__typename') {
      pairs.push({ key, value: literal(type.name) });
      continue;
    }
    const fieldDef = type.getFields()[name];
    const scalar = scalarFields(model).find((f) => f.name === name);
    if (scalar) {
      const value = scalarJson(state.sql, scalar, column(alias, scalar));
      if (!guarded.has(name)) pairs.push({ key, value });
      else {
        const cond = ruleCondition(state, model, alias, policy.readField(state.ctx, name));
        pairs.push({ key, value: cond ? `CASE WHEN ${cond} THEN ${value} ELSE NULL END` : value });
      }
      continue;
    }
    const relation = relationFields(model).find((f) => f.name === name);
    const targetType = fieldDef && getNamedType(fieldDef.type);
    if (relation && isObjectType(targetType)) {
      const args = getArgumentValues(fieldDef, node, state.variables);
      assertStorableValues(args);
      pairs.push({ key, value: relation.isList ? toMany(state, model, relation, alias, targetType, node, args) : toOne(state, model, relation, alias, targetType, node), json: true });
      continue;
    }
    if (name === '_count' && isObjectType(targetType)) {
      pairs.push({ key, value: relationCounts(state, model, alias, targetType, node), json: true });
      continue;
    }
    unsupported(`the field ${type.name}.${name}`);
  }
  return pairs;
}

function toOne(state: CompileState, model: DmmfModel, field: DmmfField, alias: string, type: GraphQLObjectType, node: FieldNode): string {
  const target = state.gen.datamodel.model(field.type);
  const policy = state.gen.policy(target.name);
  const child = state.sql.alias();
  const rule = policy.openRead ? null : ruleCondition(state, target, child, policy.read(state.ctx));
  if (rule === '1=0') return 'NULL';
  const object = compileObject(state, target, type, child, node.selectionSet);
  const join = relationJoin(state.gen.datamodel, model, field, alias, child, state.sql.alias);
  return `(SELECT ${object} FROM ${join.from} WHERE ${[join.on, rule].filter(Boolean).join(' AND ')} LIMIT 1)`;
}

function toMany(state: CompileState, model: DmmfModel, field: DmmfField, alias: string, type: GraphQLObjectType, node: FieldNode, args: Record<string, unknown>): string {
  const target = state.gen.datamodel.model(field.type);
  const list = listArgs(state.gen, state.ctx, target, args, false);
  return compileList(objectPairs, state, target, type, list, node.selectionSet, (child) => relationJoin(state.gen.datamodel, model, field, alias, child, state.sql.alias));
}

function relationCounts(state: CompileState, model: DmmfModel, alias: string, type: GraphQLObjectType, node: FieldNode): string {
  const pairs: JsonPair[] = [];
  for (const [key, inner] of collectFields(state, type, node.selectionSet!)) {
    const name = inner.name.value;
    if (name === '__typename') {
      pairs.push({ key, value: literal(type.name) });
      continue;
    }
    const field = relationFields(model).find((f) => f.name === name && f.isList);
    if (!field) unsupported(`the count ${name}`);
    const target = state.gen.datamodel.model(field.type);
    const child = state.sql.alias();
    const read = state.gen.policy(target.name).read(state.ctx) ?? nothing(target);
    const join = relationJoin(state.gen.datamodel, model, field, alias, child, state.sql.alias);
    const where = [join.on, compileWhere(state.sql, target, child, read)].filter(Boolean).join(' AND ');
    pairs.push({ key, value: `(SELECT count(*) FROM ${join.from} WHERE ${where})` });
  }
  return jsonObject(state.sql.dialect, pairs);
}
