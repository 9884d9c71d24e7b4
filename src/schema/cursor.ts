import { badInput } from '../base/errors.ts';
import { decodeValue, encodeValue } from '../base/json.ts';

/**
 * Opaque connection cursors: the row's primary key values as base64url of
 * typed JSON (src/base/json.ts), so BigInt, Date and bytes round-trip exactly.
 */
export function encodeCursor(values: Record<string, unknown>): string {
  return Buffer.from(encodeValue(values)).toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const parsed = decodeValue(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the same error as a well-formed but wrong cursor
  }
  throw badInput('Invalid cursor');
}
