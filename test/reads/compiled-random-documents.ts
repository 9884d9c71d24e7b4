import type { Datamodel, DmmfField, DmmfModel } from '../../src/base/datamodel.ts';
import { idFields, relationFields, scalarFields } from '../../src/base/datamodel.ts';
import { names } from '../../src/base/naming.ts';
import { createRandom, type Random } from './values-fuzz.ts';

/** The seeded PRNG of the value fuzzers, so a failing case replays from its seed. */
export const random = createRandom;
type Rng = Random;

/** Values present in the database, by model and field, to filter on. */
export type Samples = Record<string, Record<string, unknown[]>>;

const filterable = (f: DmmfField) => !f.isList && (f.type === 'Int' || f.type === 'String' || f.type === 'Boolean');
const literal = (value: unknown) => JSON.stringify(value);

function randomWhere(rng: Rng, model: DmmfModel, samples: Samples, depth = 0): string {
  const fields = scalarFields(model).filter(filterable);
  const parts: string[] = [];
  const count = 1 + rng.int(2);
  for (let i = 0; i < count && fields.length; i++) {
    const field = rng.pick(fields);
    const seen = samples[model.name]?.[field.name]?.filter((v) => v !== null) ?? [];
    let value = seen.length ? rng.pick(seen) : field.type === 'Int' ? rng.int(5) : field.type === 'Boolean' ? rng.chance(0.5) : 'x';
    const ops = ['equals', 'not', 'in', 'notIn', 'lt', 'gte', ...(field.type === 'String' ? ['contains', 'startsWith'] : [])];
    const op = field.type === 'Boolean' ? rng.pick(['equals', 'not']) : rng.pick(ops);
    const text = String(value);
    if (op === 'contains' || op === 'startsWith') value = op === 'contains' ? text.slice(1, 3) : text.slice(0, 2);
    const operand = op === 'in' || op === 'notIn' ? `[${[value, ...(seen.length ? [rng.pick(seen)] : [])].map(literal).join(', ')}]` : literal(value);
    // `not` takes a nested filter; a field named twice in one input object is a validation error.
    if (parts.some((p) => p.startsWith(`${field.name}: `))) continue;
    parts.push(`${field.name}: { ${op === 'not' ? `not: { equals: ${operand} }` : `${op}: ${operand}`} }`);
  }
  const relations = relationFields(model);
  if (depth < 1 && relations.length && rng.chance(0.3)) {
    const relation = rng.pick(relations);
    const target = inner(model, relation);
    const op = relation.isList ? rng.pick(['some', 'none', 'every']) : 'is';
    parts.push(`${relation.name}: { ${op}: { ${randomWhere(rng, target, samples, depth + 1)} } }`);
  }
  const clause = parts.join(', ');
  return rng.chance(0.2) ? `OR: [{ ${clause} }, { ${parts[0]} }]` : rng.chance(0.1) ? `NOT: { ${clause} }` : clause;
}

let datamodel: Datamodel;
const inner = (_model: DmmfModel, field: DmmfField) => datamodel.model(field.type);

function listArguments(rng: Rng, model: DmmfModel, samples: Samples, root = false): string {
  const args: string[] = [];
  if (rng.chance(0.4)) args.push(`where: { ${randomWhere(rng, model, samples)} }`);
  if (rng.chance(0.5)) {
    const sortable = scalarFields(model).filter(filterable);
    const items = Array.from({ length: 1 + rng.int(2) }, () => `{ ${rng.pick(sortable).name}: ${rng.pick(['asc', 'desc'])} }`);
    // Rows tied under an orderBy come in whatever order the database's plan gives (Prisma adds no tiebreaker), in
    // either lane: the primary key last makes the order total, so the lanes can be compared byte for byte.
    items.push(...idFields(model).map((id) => `{ ${id}: ${rng.pick(['asc', 'desc'])} }`));
    args.push(`orderBy: [${items.join(', ')}]`);
  }
  if (rng.chance(0.4)) args.push(`take: ${rng.int(7) - 3}`);
  if (rng.chance(0.3)) args.push(`skip: ${rng.int(3)}`);
  const ids = idFields(model);
  const known = ids.length === 1 ? (samples[model.name]?.[ids[0]] ?? []) : [];
  if (known.length && rng.chance(0.2)) args.push(`cursor: { ${ids[0]}: ${literal(rng.pick(known))} }`);
  // `distinct` exists on root lists only; the orderBy above ends on the primary key, so "first of each tuple" is one row.
  if (root && rng.chance(0.3)) {
    const fields = scalarFields(model).filter((f) => !f.isList);
    args.push(`distinct: [${[...new Set([rng.pick(fields), rng.pick(fields)].slice(0, 1 + rng.int(2)).map((f) => names.enumValue(f.name)))].join(', ')}]`);
  }
  return args.length ? `(${args.join(', ')})` : '';
}

const comparisons = ['gt', 'gte', 'lt', 'lte', 'equals', 'not'];
/** One comparison of a filter with `value` (`not` takes a nested filter). */
const compare = (rng: Rng, value: unknown, ops = comparisons) => {
  const op = rng.pick(ops);
  return op === 'not' ? `not: { equals: ${literal(value)} }` : `${op}: ${literal(value)}`;
};

/** A random groupBy `having`: aggregates of any field, the grouped fields' own values, under AND/OR/NOT sometimes. */
function randomHaving(rng: Rng, model: DmmfModel, samples: Samples, by: string[]): string {
  const fields = scalarFields(model).filter(filterable);
  // Per field, its filter's members by name (an input object names each once).
  const members = new Map<string, Map<string, string>>();
  const add = (field: string, name: string, member: string) => {
    const own = members.get(field) ?? new Map<string, string>();
    if (!own.has(name)) own.set(name, member);
    members.set(field, own);
  };
  for (let i = 0, n = 1 + rng.int(2); i < n; i++) {
    const field = rng.pick(fields);
    const seen = samples[model.name]?.[field.name]?.filter((v) => v !== null) ?? [];
    const ops = ['_count', ...(field.type === 'Int' ? ['_sum', '_avg', '_min', '_max'] : field.type === 'String' ? ['_min', '_max'] : [])];
    const op = rng.pick(ops);
    const value = op === '_count' ? rng.int(4) : seen.length ? rng.pick(seen) : 0;
    add(field.name, op, `${op}: { ${compare(rng, value)} }`);
  }
  const grouped = fields.filter((f) => by.includes(f.name));
  if (grouped.length && rng.chance(0.3)) {
    const field = rng.pick(grouped);
    const seen = samples[model.name]?.[field.name]?.filter((v) => v !== null) ?? [];
    const member = seen.length ? compare(rng, rng.pick(seen), field.type === 'Boolean' ? ['equals', 'not'] : comparisons) : undefined;
    if (member) add(field.name, member.split(':')[0], member);
  }
  const parts = [...members].map(([field, own]) => `${field}: { ${[...own.values()].join(', ')} }`);
  const clause = parts.join(', ');
  return rng.chance(0.2) ? `OR: [{ ${clause} }, { ${parts[0]} }]` : rng.chance(0.15) ? `NOT: [{ ${clause} }]` : clause;
}

/** A random groupBy `orderBy` (grouped fields, aggregates of any field) ending on every grouped field, so it is total. */
function groupOrder(rng: Rng, model: DmmfModel, by: string[]): string {
  const fields = scalarFields(model).filter(filterable);
  const items: string[] = [];
  for (let i = 0, n = rng.int(3); i < n; i++) {
    const field = rng.pick(fields);
    const ops = ['_count', ...(field.type === 'Int' ? ['_sum', '_avg', '_min', '_max'] : field.type === 'String' ? ['_min', '_max'] : [])];
    items.push(`{ ${rng.pick(ops)}: { ${field.name}: ${rng.pick(['asc', 'desc'])} } }`);
  }
  items.push(...by.map((f) => `{ ${f}: ${rng.pick(['asc', 'desc'])} }`));
  return `, orderBy: [${items.join(', ')}]`;
}

function selection(rng: Rng, model: DmmfModel, samples: Samples, depth: number): string {
  const items: string[] = [];
  const again: string[] = [];
  const scalars = scalarFields(model);
  for (const field of scalars) if (rng.chance(0.5)) items.push(rng.chance(0.15) ? `a${rng.int(9)}_${field.name}: ${field.name}` : field.name);
  if (rng.chance(0.2)) items.push('__typename');
  if (depth < 3) {
    for (const relation of relationFields(model)) {
      if (!rng.chance(0.35 / (depth + 1))) continue;
      const target = inner(model, relation);
      const args = relation.isList ? listArguments(rng, target, samples) : '';
      items.push(`${relation.name}${args} { ${selection(rng, target, samples, depth + 1)} }`);
      // The same field again with the same arguments and another selection: graphql-js merges the two.
      if (rng.chance(0.15)) again.push(`${relation.name}${args} { ${selection(rng, target, samples, depth + 1)} }`);
    }
    const lists = relationFields(model).filter((f) => f.isList);
    if (lists.length && rng.chance(0.15)) items.push(`_count { ${lists.filter(() => rng.chance(0.6)).map((f) => f.name).join(' ') || lists[0].name} }`);
  }
  const unique = [...new Map(items.map((i) => [i.split(/[(: {]/)[0], i])).values()];
  return unique.length ? [...unique, ...again].join(' ') : idFields(model)[0] ?? scalars[0].name;
}

/** A random read document over `dm`: one or two root fields (lists, lookups, counts) with nested selections. */
export function randomDocument(rng: Rng, dm: Datamodel, samples: Samples): string {
  datamodel = dm;
  const roots: string[] = [];
  for (let i = 0, n = 1 + rng.int(2); i < n; i++) {
    const model = rng.pick(dm.models);
    const kind = rng.int(10);
    const ids = idFields(model);
    const alias = `r${i}: `;
    if (kind < 6) roots.push(`${alias}${names.findMany(model.name)}${listArguments(rng, model, samples, true)} { ${selection(rng, model, samples, 0)} }`);
    else if (kind === 6) {
      const order = `orderBy: [{ ${rng.pick(scalarFields(model).filter(filterable)).name}: ${rng.pick(['asc', 'desc'])} }]`;
      const page = rng.chance(0.5) ? `first: ${rng.int(4)}` : `last: ${rng.int(4)}`;
      const where = rng.chance(0.4) ? `, where: { ${randomWhere(rng, model, samples)} }` : '';
      const parts = ['totalCount', 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }', `edges { cursor node { ${selection(rng, model, samples, 1)} } }`].filter(() => rng.chance(0.7));
      roots.push(`${alias}${names.connection(model.name)}(${page}, ${order}${where}) { ${parts.join(' ') || 'totalCount'} }`);
    } else if (kind < 8 && ids.length === 1 && samples[model.name]?.[ids[0]]?.length) {
      const id = rng.pick(samples[model.name][ids[0]]);
      roots.push(`${alias}${names.findUnique(model.name)}(where: { ${ids[0]}: ${literal(id)} }) { ${selection(rng, model, samples, 0)} }`);
    } else if (kind === 8) {
      const plain = scalarFields(model).filter((f) => !f.isList);
      const numeric = plain.filter((f) => ['Int', 'BigInt', 'Float', 'Decimal'].includes(f.type));
      const some = (fields: DmmfField[]) => fields.filter(() => rng.chance(0.5)).map((f) => f.name);
      const parts = [`_count { _all ${some(plain).join(' ')} }`];
      if (numeric.length && rng.chance(0.5)) parts.push(`_sum { ${numeric[0].name} ${some(numeric).join(' ')} }`, `_avg { ${numeric[0].name} }`);
      const ordered = plain.filter((f) => !['Json', 'Bytes', 'Boolean'].includes(f.type));
      if (ordered.length && rng.chance(0.5)) parts.push(`_min { ${ordered[0].name} ${some(ordered).join(' ')} } _max { ${rng.pick(ordered).name} }`);
      const where = rng.chance(0.4) ? `where: { ${randomWhere(rng, model, samples)} }` : '';
      if (rng.chance(0.5)) roots.push(`${alias}${names.aggregate(model.name)}${where ? `(${where})` : ''} { ${parts.join(' ')} }`);
      else {
        const groupable = plain.filter((f) => filterable(f));
        const by = [...new Set([rng.pick(groupable), rng.pick(groupable)].map((f) => f.name))];
        const page = rng.chance(0.4) ? `, take: ${rng.int(4)}, skip: ${rng.int(2)}` : '';
        const order = rng.chance(0.5) ? groupOrder(rng, model, by) : '';
        const having = rng.chance(0.4) ? `, having: { ${randomHaving(rng, model, samples, by)} }` : '';
        roots.push(`${alias}${names.groupBy(model.name)}(by: [${by.join(', ')}]${where ? `, ${where}` : ''}${having}${order}${page}) { ${by.join(' ')} ${parts.join(' ')} }`);
      }
    } else roots.push(`${alias}${names.count(model.name)}${rng.chance(0.5) ? `(where: { ${randomWhere(rng, model, samples)} })` : ''}`);
  }
  return `{ ${roots.join(' ')} }`;
}
