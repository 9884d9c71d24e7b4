import type { FieldNode, GraphQLObjectType } from 'graphql';
import { getNamedType } from 'graphql';
import type { DmmfField, DmmfModel } from '../base/datamodel.ts';
import { numericTypes, scalarFields } from '../base/datamodel.ts';
import { mayUseField } from '../schema/secure/unreadable-fields.ts';
import { aggregateOps, type AggregateOp } from '../base/naming.ts';
import { type CompileState, collectFields } from './compile-state.ts';
import { type JsonPair, jsonObject, literal } from './json-sql.ts';
import { column } from './sql/columns.ts';
import { scalarJson } from './sql/scalar-json.ts';
import { unsupported } from './unsupported.ts';

const noMinMax = new Set(['Json', 'Bytes', 'Boolean']);

/** The fields an aggregate part covers (as aggregates.ts defines its types). */
function coveredBy(model: DmmfModel, op: AggregateOp): DmmfField[] {
  const fields = scalarFields(model).filter((f) => !f.isList);
  if (op === '_count') return fields;
  if (op === '_sum' || op === '_avg') return fields.filter((f) => numericTypes.has(f.type));
  return fields.filter((f) => !noMinMax.has(f.type));
}

/** One aggregate of one field over the rows aliased `alias`, encoded as the response encodes it. */
function aggregateValue(state: CompileState, op: AggregateOp, field: DmmfField, alias: string): string {
  const { sql } = state;
  const col = column(alias, field);
  if (op === '_count') return `count(${col})`;
  if (op !== '_avg') return scalarJson(sql, field, `${op.slice(1)}(${col})`);
  // An average is a Float (a Decimal for Decimal fields), encoded like a column of that type.
  const type = field.type === 'Decimal' ? 'Decimal' : 'Float';
  const value = sql.dialect === 'postgresql' && type === 'Float' ? `CAST(avg(${col}) AS double precision)` : `avg(${col})`;
  return scalarJson(sql, { ...field, type }, value);
}

/**
 * The aggregate parts of a selection (`_count { _all title }`, `_sum {...}`)
 * over the rows aliased `alias` of an aggregate query, as Prisma's aggregate
 * answers them in Strata: fields the viewer may not read on every row are
 * null, and a part none of whose fields is readable is null as a whole.
 * Other fields of the selection (`groupBy`'s keys) are handed to `other`.
 */
export function aggregatePairs(
  state: CompileState,
  model: DmmfModel,
  type: GraphQLObjectType,
  alias: string,
  node: FieldNode,
  other: (key: string, field: FieldNode) => JsonPair,
): JsonPair[] {
  const readable = (name: string) => mayUseField(state.gen, state.ctx, model, name);
  const pairs: JsonPair[] = [];
  for (const [key, field] of collectFields(state, type, node.selectionSet!)) {
    const name = field.name.value;
    if (name === '__typename') {
      pairs.push({ key, value: literal(type.name) });
      continue;
    }
    if (!(aggregateOps as string[]).includes(name)) {
      pairs.push(other(key, field));
      continue;
    }
    const op = name as AggregateOp;
    const covered = coveredBy(model, op).filter((f) => readable(f.name));
    if (covered.length === 0) {
      if (op === '_count') unsupported('a _count with no readable field');
      pairs.push({ key, value: 'NULL' });
      continue;
    }
    const partType = getNamedType(type.getFields()[name].type) as GraphQLObjectType;
    const inner: JsonPair[] = [];
    for (const [innerKey, part] of collectFields(state, partType, field.selectionSet!)) {
      const partName = part.name.value;
      if (partName === '__typename') inner.push({ key: innerKey, value: literal(partType.name) });
      else if (partName === '_all') inner.push({ key: innerKey, value: 'count(*)' });
      else {
        const target = covered.find((f) => f.name === partName);
        // A `_count` field is a non-null Int: an unreadable one fails the general path's answer.
        if (!target && op === '_count') unsupported('the count of an unreadable field');
        inner.push({ key: innerKey, value: target ? aggregateValue(state, op, target, alias) : 'NULL' });
      }
    }
    pairs.push({ key, value: jsonObject(state.sql.dialect, inner), json: true });
  }
  return pairs;
}
