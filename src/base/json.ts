import { isDecimal } from './decimal.ts';

/**
 * A row as JSON, the way the GraphQL API shows it: BigInt and Decimal as
 * strings (never rounded), DateTime as ISO 8601, Bytes as base64. Trigger
 * handlers and webhooks receive rows in this form.
 */
export function jsonRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, jsonValue(value)]));
}

function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (isDecimal(value)) return value.toFixed();
  if (Array.isArray(value)) return value.map(jsonValue);
  return value;
}
