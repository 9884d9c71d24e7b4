import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { badInput } from '../base/errors.ts';
import { toIsoString } from './iso-date.ts';

/**
 * Lossless custom scalars. BigInt and Decimal travel as strings (a JS number
 * would round them), Bytes as base64, DateTime as ISO 8601.
 */

function literalValue(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map(literalValue);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalValue(f.value)]));
    default:
      throw badInput('Variables are not allowed inside JSON literals');
  }
}

function parseDate(value: unknown): Date {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw badInput(`DateTime must be an ISO 8601 string, got ${JSON.stringify(value)}`);
}

const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO 8601 date-time string, e.g. 2024-05-01T12:00:00.000Z.',
  serialize: (value) => toIsoString(value instanceof Date ? value : parseDate(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

// Prisma's BigInt is a signed 64-bit column on every database: refuse what it cannot store.
const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

function parseBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if ((typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value))) {
    const parsed = BigInt(value);
    if (parsed >= int64.min && parsed <= int64.max) return parsed;
    throw badInput(`BigInt must fit in 64 bits (${int64.min} to ${int64.max}), got ${JSON.stringify(value)}`);
  }
  throw badInput(`BigInt must be an integer or a string of digits, got ${JSON.stringify(value)}`);
}

const BigIntScalar = new GraphQLScalarType({
  name: 'BigInt',
  description: 'A 64-bit integer, serialized as a string of digits; input also accepts safe JSON integers.',
  serialize: (value) => parseBigInt(value).toString(),
  parseValue: parseBigInt,
  parseLiteral: (ast) => parseBigInt(ast.kind === Kind.INT || ast.kind === Kind.STRING ? ast.value : undefined),
});

const decimalPattern = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text === 'string' && decimalPattern.test(text)) return text;
  throw badInput(`Decimal must be a decimal string such as "12.50", got ${JSON.stringify(value)}`);
}

/** The power of ten of a decimal string's first significant digit; null for zero. */
function magnitude(text: string): number | null {
  const [mantissa, exponent = '0'] = text.replace('-', '').toLowerCase().split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const first = (whole + fraction).search(/[1-9]/);
  return first === -1 ? null : Number(exponent) + whole.length - 1 - first;
}

// Past ±1e308 SQLite stores Infinity (or 0), and a huge exponent ("1e1000000000") makes Prisma expand
// the number digit by digit and crash; PostgreSQL's Decimal columns hold far less anyway.
function parseDecimalInput(value: unknown): string {
  const text = parseDecimal(value);
  const power = magnitude(text);
  if (power !== null && (power > 307 || power < -308)) throw badInput(`Decimal must be 0 or between 1e-308 and 1e308 in magnitude, got ${text.slice(0, 40)}`);
  return text;
}

const Decimal = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An arbitrary-precision decimal, serialized as a string; input also accepts JSON numbers.',
  serialize: (value) => (typeof value === 'object' && value !== null ? value.toString() : parseDecimal(value)),
  parseValue: parseDecimalInput,
  parseLiteral: (ast) => parseDecimalInput(ast.kind === Kind.INT || ast.kind === Kind.FLOAT || ast.kind === Kind.STRING ? ast.value : undefined),
});

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
function parseBytes(value: unknown): Uint8Array<ArrayBuffer> {
  if (typeof value === 'string' && base64Pattern.test(value)) return new Uint8Array(Buffer.from(value, 'base64'));
  throw badInput('Bytes must be a base64 string');
}

const Bytes = new GraphQLScalarType({
  name: 'Bytes',
  description: 'Binary data as a base64 string.',
  serialize: (value) => Buffer.from(value as Uint8Array).toString('base64'),
  parseValue: parseBytes,
  parseLiteral: (ast) => parseBytes(ast.kind === Kind.STRING ? ast.value : undefined),
});

const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast) => literalValue(ast),
});

export const scalars = { DateTime, BigInt: BigIntScalar, Decimal, Bytes, JSON: JSONScalar };

/** The GraphQL type name of a Prisma scalar type. */
export function graphqlScalar(prismaType: string): string {
  switch (prismaType) {
    case 'Json':
      return 'JSON';
    case 'Int':
    case 'Float':
    case 'String':
    case 'Boolean':
    case 'DateTime':
    case 'BigInt':
    case 'Decimal':
    case 'Bytes':
      return prismaType;
    default:
      throw new Error(`Unsupported Prisma scalar type ${prismaType}`);
  }
}
