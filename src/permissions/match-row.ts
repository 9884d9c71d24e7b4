import { isDecimal } from '../base/decimal.ts';

/** What the matcher needs to know of a model's fields. */
export interface MatchField {
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isList: boolean;
}

/** `true`/`false` when certain, `undefined` when only the database could tell. */
export type Match = boolean | undefined;

const all = (parts: Match[]): Match => (parts.includes(false) ? false : parts.includes(undefined) ? undefined : true);
const any = (parts: Match[]): Match => (parts.includes(true) ? true : parts.includes(undefined) ? undefined : false);
const negate = (part: Match): Match => (part === undefined ? undefined : !part);
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
const isAscii = (text: string) => /^[\x00-\x7f]*$/.test(text);

/** -1, 0, 1, or undefined when the two values do not compare for sure (types differ, string collation...). */
function compare(value: unknown, other: unknown, ordering: boolean): number | undefined {
  if (typeof value === 'number' && typeof other === 'number') return Math.sign(value - other);
  if (typeof value === 'bigint' && (typeof other === 'bigint' || (typeof other === 'number' && Number.isInteger(other)))) {
    const b = BigInt(other);
    return value === b ? 0 : value < b ? -1 : 1;
  }
  if (value instanceof Date && (other instanceof Date || typeof other === 'string')) {
    const b = new Date(other as string | Date).getTime();
    return Number.isNaN(b) ? undefined : Math.sign(value.getTime() - b);
  }
  if (isDecimal(value) && (typeof other === 'string' || typeof other === 'number' || isDecimal(other))) {
    try {
      return value.cmp(typeof other === 'object' ? other : String(other));
    } catch {
      return undefined;
    }
  }
  // Equality of strings, booleans and enums is exact in SQL too; their order depends on the collation.
  if (!ordering && typeof value === typeof other && (typeof value === 'string' || typeof value === 'boolean')) return value === other ? 0 : 1;
  return undefined;
}

function textMatch(value: string, needle: unknown, op: string, insensitive: boolean): Match {
  if (typeof needle !== 'string') return undefined;
  if (insensitive && !(isAscii(value) && isAscii(needle))) return undefined;
  const [a, b] = insensitive ? [value.toLowerCase(), needle.toLowerCase()] : [value, needle];
  return op === 'contains' ? a.includes(b) : op === 'startsWith' ? a.startsWith(b) : a.endsWith(b);
}

function matchFilter(filter: Record<string, unknown>, value: unknown, provider: string): Match {
  // SQL NULL makes every comparison but IS [NOT] NULL unknown; leave those rows to the database.
  if (value === null || value === undefined) {
    const keys = Object.keys(filter).filter((k) => filter[k] !== undefined);
    if (keys.length === 1 && keys[0] === 'equals') return filter.equals === null;
    if (keys.length === 1 && keys[0] === 'not' && filter.not === null) return false;
    return undefined;
  }
  const insensitive = filter.mode === 'insensitive' || (provider === 'sqlite' && typeof value === 'string');
  const parts: Match[] = [];
  for (const [op, operand] of Object.entries(filter)) {
    if (operand === undefined || op === 'mode') continue;
    if (operand === null) {
      parts.push(op === 'equals' ? false : op === 'not' ? true : undefined);
      continue;
    }
    const eq = (other: unknown): Match => {
      if (filter.mode === 'insensitive' && typeof value === 'string' && typeof other === 'string') return textMatch(value, other, 'equals', true);
      const c = compare(value, other, false);
      return c === undefined ? undefined : c === 0;
    };
    const order = (test: (c: number) => boolean): Match => {
      const c = compare(value, operand, true);
      return c === undefined ? undefined : test(c);
    };
    switch (op) {
      case 'equals':
        parts.push(eq(operand));
        break;
      case 'in':
        parts.push(any(asList(operand).map(eq)));
        break;
      case 'notIn':
        parts.push(negate(any(asList(operand).map(eq))));
        break;
      case 'lt':
        parts.push(order((c) => c < 0));
        break;
      case 'lte':
        parts.push(order((c) => c <= 0));
        break;
      case 'gt':
        parts.push(order((c) => c > 0));
        break;
      case 'gte':
        parts.push(order((c) => c >= 0));
        break;
      case 'contains':
      case 'startsWith':
      case 'endsWith':
        parts.push(typeof value === 'string' ? textMatch(value, operand, op, insensitive) : undefined);
        break;
      case 'not':
        parts.push(negate(isFilter(operand) ? matchFilter({ mode: filter.mode, ...operand }, value, provider) : eq(operand)));
        break;
      default:
        parts.push(undefined);
    }
  }
  return all(parts);
}

const isFilter = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array) && !isDecimal(value);

/**
 * Evaluates a Prisma `where` against a row in memory, conservatively: only
 * scalar conditions whose SQL meaning is certain count; relation filters,
 * JSON and list filters, string ordering and NULL comparisons give
 * `undefined` (ask the database, or treat as unknown). It never says `true`
 * for a row the database would not match.
 */
export function matchRow(where: unknown, row: Record<string, unknown>, fields: Map<string, MatchField>, provider: string): Match {
  if (where === null || where === undefined) return true;
  if (!isFilter(where)) return undefined;
  const parts: Match[] = [];
  for (const [key, condition] of Object.entries(where)) {
    if (condition === undefined) continue;
    if (key === 'AND') parts.push(all(asList(condition).map((w) => matchRow(w, row, fields, provider))));
    else if (key === 'OR') parts.push(Array.isArray(condition) ? any(condition.map((w) => matchRow(w, row, fields, provider))) : undefined);
    else if (key === 'NOT') parts.push(all(asList(condition).map((w) => negate(matchRow(w, row, fields, provider)))));
    else {
      const field = fields.get(key);
      if (!field || field.kind === 'object' || field.kind === 'unsupported' || field.isList || field.type === 'Json' || field.type === 'Bytes') {
        parts.push(undefined);
      } else if (!(key in row)) {
        parts.push(undefined);
      } else if (isFilter(condition)) {
        parts.push(matchFilter(condition, row[key], provider));
      } else {
        parts.push(matchFilter({ equals: condition }, row[key], provider));
      }
    }
  }
  return all(parts);
}
