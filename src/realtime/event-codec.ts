import { isDecimal } from '../base/decimal.ts';

/**
 * Typed JSON for values that cross a process boundary (Redis) or become a
 * map key: `bigint`, `Date`, Prisma `Decimal` and bytes survive the trip,
 * where plain JSON would throw (bigint) or lose the type (the others).
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
