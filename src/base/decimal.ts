/** Prisma's Decimal (decimal.js), as Strata uses it. */
export interface DecimalLike {
  toString(): string;
  toFixed(): string;
  cmp(other: unknown): number;
}

/** True for Prisma's Decimal (decimal.js) without importing it. */
export function isDecimal(value: unknown): value is DecimalLike {
  return typeof value === 'object' && value !== null && typeof (value as { cmp?: unknown }).cmp === 'function' && 'd' in value && 'e' in value && 's' in value;
}
