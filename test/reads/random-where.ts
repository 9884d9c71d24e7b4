import type { DmmfField, DmmfModel } from '../../src/base/datamodel.ts';
import { relationFields, scalarFields } from '../../src/base/datamodel.ts';
import type { Random, Row } from './values-fuzz.ts';
import { valuesOf } from './values-fuzz.ts';

export interface WhereWorld {
  provider: 'sqlite' | 'postgresql';
  model(name: string): DmmfModel;
  rows(model: string): Row[];
  /** Prisma's DbNull / JsonNull sentinels. */
  Prisma: Record<string, any>;
}

/**
 * A random Prisma `where` of `model`, up to `depth` relation levels deep:
 * scalar filters with every operator the API exposes, values drawn from the
 * rows in the database (so filters match some rows), NULLs, `%`/`_`/case
 * variants in LIKE patterns, empty `in` lists, AND/OR/NOT in object and
 * list forms, and some/every/none/is/isNot/null relation filters.
 */
export function randomWhere(r: Random, w: WhereWorld, model: DmmfModel, depth = 2): Row {
  const where: Row = {};
  for (let n = 1 + r.int(2); n > 0; n--) {
    const roll = r.next();
    if (roll < 0.15) {
      const op = r.pick(['AND', 'OR', 'NOT']);
      const count = r.int(3);
      const items = Array.from({ length: count }, () => randomWhere(r, w, model, depth - 1));
      where[op] = count === 1 && op !== 'OR' && r.chance(0.5) ? items[0] : items;
    } else if (roll < 0.4 && depth > 0 && relationFields(model).length) {
      const field = r.pick(relationFields(model));
      where[field.name] = randomRelationFilter(r, w, field, depth - 1);
    } else {
      const fields = scalarFields(model).filter((f) => !(f.isList && w.provider === 'sqlite'));
      const field = r.pick(fields);
      where[field.name] = randomScalarFilter(r, w, model, field);
    }
  }
  return where;
}

function randomRelationFilter(r: Random, w: WhereWorld, field: DmmfField, depth: number): unknown {
  const target = w.model(field.type);
  const inner = () => (r.chance(0.15) ? {} : randomWhere(r, w, target, depth));
  if (field.isList) return { [r.pick(['some', 'every', 'none'])]: inner() };
  const optional = !field.isRequired;
  const roll = r.next();
  if (roll < 0.1 && optional) return null;
  if (roll < 0.25) return inner();
  if (roll < 0.35 && optional) return { [r.pick(['is', 'isNot'])]: null };
  return r.chance(0.5) ? { is: inner() } : { isNot: inner() };
}

/**
 * Prisma (7.10, both databases) sends a Float list holding an integer outside
 * the 32-bit range (2147483648, 1e15) inline in its query instead of as one
 * bound value, and its query compiler then writes the list's values with 16
 * significant digits: a value that needs 17 (0.30000000000000004) becomes
 * another one (0.3), so `in: [0.30000000000000004, 1e15]` misses the rows
 * holding it and `notIn` keeps them. The compiled SQL binds every value
 * exactly (where-differential.test.ts pins both answers); such values are left
 * out of a Float list that holds such an integer.
 */
export function prismaExactList(field: DmmfField, list: unknown[]): unknown[] {
  const beyondInt32 = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && (v > 2 ** 31 - 1 || v < -(2 ** 31));
  if (field.type !== 'Float' || !list.some(beyondInt32)) return list;
  return list.filter((v) => typeof v !== 'number' || significantDigits(v) < 17);
}

/** The significant digits of JavaScript's shortest text of `v` (`0.30000000000000004`: 17, `1e15`: 1). */
export const significantDigits = (v: number) => v.toExponential().replace(/e.*$/, '').replace(/[-.]/g, '').length;

function randomScalarFilter(r: Random, w: WhereWorld, model: DmmfModel, field: DmmfField): unknown {
  const pool = valuesOf(w.rows(model.name), field);
  const value = () => {
    const v = r.pick(pool);
    return v === null && field.isRequired ? r.pick(pool.filter((x) => x !== null).concat([pool[0]])) : v;
  };
  const nonNull = () => {
    const values = pool.filter((x) => x !== null);
    return values.length ? r.pick(values) : sample(field);
  };
  if (field.type === 'Json') return randomJsonFilter(r, w, nonNull);
  if (field.isList) return randomListFilter(r, field, pool);
  if (r.chance(0.1)) return value(); // bare value (or null)
  const ops: string[] = ['equals', 'not'];
  if (field.type !== 'Boolean') ops.push('in', 'notIn');
  if (field.kind !== 'enum' && ['Int', 'Float', 'Decimal', 'BigInt', 'DateTime', 'String'].includes(field.type)) ops.push('lt', 'lte', 'gt', 'gte');
  if (field.type === 'String') ops.push('contains', 'startsWith', 'endsWith', 'contains');
  const filter: Row = {};
  for (let n = 1 + r.int(2); n > 0; n--) {
    const op = r.pick(ops);
    if (op === 'equals') filter.equals = field.isRequired || r.chance(0.7) ? nonNull() : null;
    else if (op === 'not') {
      const roll = r.next();
      filter.not = roll < 0.15 && !field.isRequired ? null : roll < 0.4 ? randomScalarFilter(r, w, model, field) : nonNull();
    } else if (op === 'in' || op === 'notIn') filter[op] = prismaExactList(field, Array.from({ length: r.int(3) }, nonNull));
    else if (op === 'contains' || op === 'startsWith' || op === 'endsWith') filter[op] = pattern(r, String(nonNull()), w.provider);
    else filter[op] = nonNull();
  }
  if (field.type === 'String' && w.provider === 'postgresql' && r.chance(0.3)) filter.mode = r.pick(['insensitive', 'default']);
  return filter;
}

/**
 * A piece of a string to search for: a substring, its case flipped, or a LIKE
 * wildcard. On PostgreSQL a pattern ending in a lone backslash is an error
 * (Prisma does not escape patterns), raised or not depending on the plan:
 * such patterns are completed there.
 */
function pattern(r: Random, text: string, provider: string): string {
  const piece = rawPattern(r, text);
  return provider === 'postgresql' && /(^|[^\\])(\\\\)*\\$/.test(piece) ? `${piece}x` : piece;
}

function rawPattern(r: Random, text: string): string {
  const start = r.int(text.length + 1);
  const piece = text.slice(start, start + 1 + r.int(3));
  const roll = r.next();
  if (roll < 0.2) return piece.toUpperCase();
  if (roll < 0.3) return piece.toLowerCase();
  if (roll < 0.4) return r.pick(['%', '_', '_b', 'a%', '\\']);
  return piece;
}

function randomJsonFilter(r: Random, w: WhereWorld, nonNull: () => unknown): unknown {
  const roll = r.next();
  if (roll < 0.3) return { equals: nonNull() };
  if (roll < 0.5) return { not: nonNull() };
  if (roll < 0.6) return { equals: w.Prisma[r.pick(['DbNull', 'JsonNull', 'AnyNull'])] };
  if (roll < 0.7) return { not: w.Prisma[r.pick(['DbNull', 'JsonNull', 'AnyNull'])] };
  const key = r.pick(['a', 'b', 's']);
  const path = w.provider === 'sqlite' ? `$."${key}"` : [key];
  return { path, [r.pick(['string_contains', 'string_starts_with', 'string_ends_with'])]: r.pick(['x', '%', 'é', 'y']) };
}

function randomListFilter(r: Random, field: DmmfField, pool: unknown[]): unknown {
  const items = pool.flatMap((list) => (Array.isArray(list) ? list : []));
  const some = () => prismaExactList(field, Array.from({ length: r.int(3) }, () => (items.length ? r.pick(items) : sample(field))));
  const op = r.pick(['has', 'hasEvery', 'hasSome', 'isEmpty', 'equals']);
  if (op === 'has') return { has: items.length ? r.pick(items) : sample(field) };
  if (op === 'isEmpty') return { isEmpty: r.chance(0.5) };
  if (op === 'equals') return { equals: r.chance(0.6) ? prismaExactList(field, (r.pick(pool) as unknown[] | null) ?? []) : some() };
  return { [op]: some() };
}

/** A value of the field's type when the table has none. */
function sample(field: DmmfField): unknown {
  switch (field.type) {
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    case 'BigInt':
      return 1n;
    case 'Decimal':
      return '1.5';
    case 'DateTime':
      return new Date(0);
    case 'Bytes':
      return new Uint8Array([1]);
    default:
      return 'x';
  }
}
