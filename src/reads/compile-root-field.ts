import type { FieldNode, GraphQLField, GraphQLObjectType } from 'graphql';
import { getNamedType, isObjectType } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import { assertStorableValues } from '../base/check-input-values.ts';
import { and, type Where } from '../permissions/policy.ts';
import { type DmmfModel, plainUnique } from '../base/datamodel.ts';
import { listArgs } from '../schema/generator.ts';
import { names } from '../base/naming.ts';
import { uniqueWhere } from '../schema/operations/queries.ts';
import { readableOrThrow, secureWhere } from '../schema/secure/secure-args.ts';
import { checkUnique } from '../schema/secure/unreadable-fields.ts';
import type { CompileState } from './compile-state.ts';
import { compileConnection, type CompiledRoot } from './compile-connection.ts';
import { aggregatePairs } from './compile-aggregate.ts';
import { compileGroupBy } from './compile-group-by.ts';
import { compileList } from './compile-list.ts';
import { jsonObject } from './json-sql.ts';
import { compileObject, objectPairs } from './compile-object.ts';
import { table } from './sql/columns.ts';
import { unsupported } from './unsupported.ts';
import { compileWhere } from './sql/compile-where.ts';

/** The generated read operations the compiler knows. */
export type ReadOperation = 'findUnique' | 'findMany' | 'count' | 'connection' | 'aggregate' | 'groupBy';

/** A generated read root field: which model, which operation. */
export interface ReadRoot {
  model: DmmfModel;
  operation: ReadOperation;
}

/** The generated read root fields of a datamodel by name. */
export function readRoots(models: DmmfModel[]): Map<string, ReadRoot> {
  const roots = new Map<string, ReadRoot>();
  for (const model of models) {
    for (const operation of ['findUnique', 'findMany', 'count', 'connection', 'aggregate', 'groupBy'] as const) roots.set(names[operation](model.name), { model, operation });
  }
  return roots;
}

/**
 * One root field as one SQL statement whose single column `j` is the
 * field's JSON value as text. Throws (Unsupported, or the same AppError
 * the resolver would) when it cannot be compiled: the caller declines.
 */
export function compileRootField(state: CompileState, root: ReadRoot, fieldDef: GraphQLField<unknown, unknown>, node: FieldNode): CompiledRoot {
  const { gen, ctx, sql } = state;
  const { model } = root;
  const args = getArgumentValues(fieldDef, node, state.variables) as Record<string, any>;
  // A value neither database can store is refused as the general path refuses it (it answers, the lane declines).
  assertStorableValues(args);
  const type = getNamedType(fieldDef.type) as GraphQLObjectType;
  const asText = (expr: string) => ({ sql: sql.dialect === 'postgresql' ? `SELECT (${expr})::text AS j` : `SELECT (${expr}) AS j` });
  if (root.operation === 'findUnique') {
    if (!isObjectType(type)) unsupported('this root type');
    const unique = uniqueWhere(gen, model, args.where);
    checkUnique(gen, ctx, model, unique);
    const alias = sql.alias();
    const where = compileWhere(sql, model, alias, and(plainUnique(model, unique), readableOrThrow(gen, ctx, model)));
    const object = compileObject(state, model, type, alias, node.selectionSet);
    return asText(`SELECT ${object} FROM ${table(model)} ${alias}${where ? ` WHERE ${where}` : ''} LIMIT 1`);
  }
  if (root.operation === 'findMany') {
    if (!isObjectType(type)) unsupported('this root type');
    const list = listArgs(gen, ctx, model, args, true);
    const read = readableOrThrow(gen, ctx, model);
    // A cursor at a row the viewer may not read answers like one at a missing row (see isCursorVisible).
    let visible: string | undefined;
    if (list.cursor && Object.keys(read).length) {
      const probe = sql.alias();
      const cond = compileWhere(sql, model, probe, and(plainUnique(model, list.cursor as Where), read));
      visible = `EXISTS (SELECT 1 FROM ${table(model)} ${probe}${cond ? ` WHERE ${cond}` : ''})`;
    }
    return asText(compileList(objectPairs, state, model, type, list, node.selectionSet, undefined, visible));
  }
  if (root.operation === 'connection') {
    if (!isObjectType(type)) unsupported('this root type');
    const compiled = compileConnection(state, model, args, type, node);
    return { ...asText(compiled.sql), finish: compiled.finish };
  }
  if (root.operation === 'groupBy') return asText(compileGroupBy(state, model, args, type as GraphQLObjectType, node));
  const alias = sql.alias();
  const where = compileWhere(sql, model, alias, and(secureWhere(gen, ctx, model, gen.registry.toPrisma(args.where, gen.filters.where(model))), readableOrThrow(gen, ctx, model)));
  if (root.operation === 'aggregate') {
    const pairs = aggregatePairs(state, model, type as GraphQLObjectType, alias, node, () => unsupported('a field of an aggregate'));
    return asText(`SELECT ${jsonObject(sql.dialect, pairs)} FROM ${table(model)} ${alias}${where ? ` WHERE ${where}` : ''}`);
  }
  const count = `SELECT count(*) FROM ${table(model)} ${alias}${where ? ` WHERE ${where}` : ''}`;
  return { sql: sql.dialect === 'postgresql' ? `SELECT (${count})::text AS j` : `SELECT CAST((${count}) AS TEXT) AS j` };
}

