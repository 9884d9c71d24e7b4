import { badInput } from '../base/errors.ts';

/**
 * Opaque connection cursors: the row's primary key values as base64url JSON,
 * with BigInt and Date values tagged so they round-trip exactly.
 */
export function encodeCursor(values: Record<string, unknown>): string {
  const json = JSON.stringify(values, (_key, value) => {
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
    return value;
  });
  return Buffer.from(json).toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'), (_key, value) => {
      if (value && typeof value === 'object' && '$bigint' in value) return BigInt(value.$bigint);
      if (value && typeof value === 'object' && '$bytes' in value) return new Uint8Array(Buffer.from(value.$bytes, 'base64'));
      return value;
    });
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through to the same error as a well-formed but wrong cursor
  }
  throw badInput('Invalid cursor');
}
