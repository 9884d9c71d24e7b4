import type { DmmfField, DmmfModel } from '../../base/datamodel.ts';
import { numericTypes, scalarFields } from '../../base/datamodel.ts';
import type { Generator } from '../generator.ts';
import { type AggregateOp, aggregateOps, names } from '../../base/naming.ts';
import { outputType } from './model-object.ts';

// PostgreSQL has no min/max over booleans (Prisma offers them and fails), so no provider gets them.
const noMinMax = new Set(['Json', 'Bytes', 'Boolean']);

/** The fields each aggregate covers, as Prisma allows them. */
function fieldsFor(model: DmmfModel, op: AggregateOp): DmmfField[] {
  const fields = scalarFields(model).filter((f) => !f.isList);
  if (op === '_count') return fields;
  if (op === '_sum' || op === '_avg') return fields.filter((f) => numericTypes.has(f.type));
  return fields.filter((f) => !noMinMax.has(f.type));
}

const pick = (name: string) => (parent: Record<string, unknown>) => parent[name] ?? null;

function partType(gen: Generator, model: DmmfModel, op: AggregateOp): unknown {
  const fields = fieldsFor(model, op);
  if (fields.length === 0) return undefined;
  return gen.builder.objectRef(names.aggregatePart(model.name, op)).implement({
    fields: (t: any) => {
      const out: Record<string, unknown> = {};
      if (op === '_count') out._all = t.int({ resolve: pick('_all') });
      for (const field of fields) {
        if (op === '_count') out[field.name] = t.int({ resolve: pick(field.name) });
        else {
          const type = op === '_avg' ? (field.type === 'Decimal' ? 'Decimal' : 'Float') : outputType(gen, field);
          out[field.name] = t.field({ type, nullable: true, resolve: pick(field.name) });
        }
      }
      return out;
    },
  });
}

/** The Prisma aggregate selection asking for every part the types expose, over the fields `include` allows. */
export function aggregateSelection(model: DmmfModel, include: (field: string) => boolean = () => true): Record<string, Record<string, true>> {
  const selection: Record<string, Record<string, true>> = {};
  for (const op of aggregateOps) {
    const fields = fieldsFor(model, op).filter((f) => include(f.name));
    if (fields.length === 0) continue;
    selection[op] = Object.fromEntries(fields.map((f) => [f.name, true]));
    if (op === '_count') selection[op]._all = true;
  }
  return selection;
}

/**
 * Defines `PostAggregate` and `PostGroupBy`: `_count` (with `_all` and one
 * Int per field), `_sum`, `_avg`, `_min`, `_max`; group rows also carry the
 * grouped fields.
 */
export function defineAggregateTypes(gen: Generator, model: DmmfModel): void {
  const parts = new Map<AggregateOp, unknown>();
  for (const op of aggregateOps) {
    const type = partType(gen, model, op);
    if (type) parts.set(op, type);
  }
  const aggregateFields = (t: any) =>
    Object.fromEntries(
      [...parts].map(([op, type]) => [op, t.field({ type, nullable: op !== '_count', resolve: pick(op) })]),
    );
  gen.refs.set(
    names.aggregateType(model.name),
    gen.builder.objectRef(names.aggregateType(model.name)).implement({ fields: aggregateFields }),
  );
  gen.refs.set(
    names.groupByType(model.name),
    gen.builder.objectRef(names.groupByType(model.name)).implement({
      fields: (t: any) => ({
        ...Object.fromEntries(
          fieldsFor(model, '_count').map((field) => [
            field.name,
            t.field({ type: outputType(gen, field), nullable: true, resolve: pick(field.name) }),
          ]),
        ),
        ...aggregateFields(t),
      }),
    }),
  );
}
