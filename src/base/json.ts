import { isDecimal } from './decimal.ts';

/**
 * BigInt-safe JSON, the one place that knows how Strata's values become
 * JSON. Two encodings:
 * - **plain** (`toJson`, `jsonRow`): what clients see, the way the GraphQL
 *   API shows values — BigInt and Decimal as strings (never rounded),
 *   DateTime as ISO 8601, Bytes as base64. Trigger payloads, webhooks and
 *   HTTP functions' answers use it.
 * - **typed** (`encodeValue`/`decodeValue`, `jsonKey`): for values that cross
 *   a process boundary (Redis), sit inside an opaque cursor, or become a map
 *   key: `bigint`, `Date`, Prisma `Decimal` and bytes survive the trip, where
 *   plain JSON would throw (bigint) or lose the type (the others).
 */

const TAG = '$strata';

/** Makes a Decimal from its string form; Prisma's class when the app provides it. */
export type DecimalFactory = (text: string) => unknown;

function toWire(value: unknown): unknown {
  if (typeof value === 'bigint') return { [TAG]: 'bigint', v: value.toString() };
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return { [TAG]: 'date', v: value.toISOString() };
  if (value instanceof Uint8Array) return { [TAG]: 'bytes', v: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (isDecimal(value)) return { [TAG]: 'decimal', v: value.toString() };
  if (Array.isArray(value)) return value.map(toWire);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = toWire(inner);
  // A JSON column could hold an object that looks like a tag: wrap it so it is read back as data.
  return TAG in out ? { [TAG]: 'object', v: out } : out;
}

function fromWire(value: unknown, decimal: DecimalFactory): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => fromWire(item, decimal));
  const record = value as Record<string, unknown>;
  if (TAG in record) {
    const text = record.v as string;
    switch (record[TAG]) {
      case 'bigint':
        return BigInt(text);
      case 'date':
        return new Date(text);
      case 'bytes':
        return new Uint8Array(Buffer.from(text, 'base64'));
      case 'decimal':
        return decimal(text);
      case 'object':
        return Object.fromEntries(Object.entries(record.v as object).map(([k, v]) => [k, fromWire(v, decimal)]));
    }
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromWire(v, decimal)]));
}

/** Serializes any value of a row or a Prisma argument to a string. */
export function encodeValue(value: unknown): string {
  return JSON.stringify(toWire(value)) ?? 'undefined';
}

/** Reads back what {@link encodeValue} wrote. Decimals stay strings unless `decimal` is given. */
export function decodeValue(text: string, decimal: DecimalFactory = (s) => s): unknown {
  return fromWire(JSON.parse(text), decimal);
}

/**
 * A string key for row values (map and cache keys), BigInt-safe and loose on
 * purpose: a BigInt and its decimal string give the same key, so a value a
 * client sent matches the row the database returned.
 */
export function jsonKey(value: unknown): string {
  return JSON.stringify(value, (_key, inner) => (typeof inner === 'bigint' ? inner.toString() : inner)) ?? 'undefined';
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A value as plain JSON data, the way the GraphQL API shows it. Objects other
 * than plain ones and arrays (e.g. with their own `toJSON`) are left to
 * `JSON.stringify`.
 */
export function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (isDecimal(value)) return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toJson(inner)]));
  return value;
}

/** A row as plain JSON (see {@link toJson}): what trigger handlers and webhooks receive. */
export function jsonRow(row: Record<string, unknown>): Record<string, unknown> {
  return toJson(row) as Record<string, unknown>;
}
