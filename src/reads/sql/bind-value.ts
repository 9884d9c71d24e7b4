import type { DmmfField } from '../../base/datamodel.ts';
import { enumDbType, enumDbValue } from './columns.ts';
import type { SqlContext } from './sql-context.ts';

/**
 * A filter value as a bound parameter, in the form the column stores it, so
 * the database compares exactly as it does for Prisma's own statements.
 *
 * Storage, read from the raw tables of test/fixtures/schemas/ids-and-scalars.prisma
 * written through Prisma 7 and its driver adapters:
 * - SQLite: DateTime is TEXT `2024-01-02T03:04:05.678+00:00` (compared as text,
 *   so the bound value must be written the same way); Boolean INTEGER 0/1;
 *   BigInt INTEGER; Decimal a REAL (INTEGER when whole: 100 is stored 100);
 *   Json TEXT as JSON.stringify wrote it; enums TEXT of the `@map`ped value;
 *   Bytes BLOB.
 * - PostgreSQL: DateTime `timestamp(3)` (UTC, no zone), Decimal `numeric(65,30)`,
 *   BigInt `bigint`, Float `double precision`, Json `jsonb`, enums their own
 *   type (`@@map` name), Bytes `bytea`, scalar lists arrays.
 * Every value is bound as text or a number and cast where the driver would
 * otherwise guess, so the same statement runs through `pg`, better-sqlite3 or
 * Prisma's `$queryRawUnsafe`.
 */
export function bindValue(ctx: SqlContext, field: DmmfField, value: unknown): string {
  const pg = ctx.dialect === 'postgresql';
  if (value === null || value === undefined) return 'NULL';
  if (field.kind === 'enum') {
    const placeholder = ctx.params.add(enumDbValue(ctx.datamodel, field.type, value));
    return pg ? `CAST(${placeholder}::text AS ${enumDbType(ctx.datamodel, field.type)})` : placeholder;
  }
  switch (field.type) {
    case 'DateTime':
      return pg ? `CAST(${ctx.params.add(scalarParam(ctx.dialect, 'DateTime', value))} AS timestamp(3))` : ctx.params.add(scalarParam(ctx.dialect, 'DateTime', value));
    case 'BigInt':
      return `CAST(${ctx.params.add(String(value))} AS ${pg ? 'bigint' : 'INTEGER'})`;
    case 'Decimal':
      return `CAST(${ctx.params.add(String(value))} AS ${pg ? 'numeric' : 'NUMERIC'})`;
    case 'Boolean':
      return pg ? `CAST(${ctx.params.add(value ? 'true' : 'false')} AS boolean)` : ctx.params.add(value ? 1 : 0);
    case 'Int':
      return pg ? `CAST(${ctx.params.add(scalarParam(ctx.dialect, 'Int', value))} AS integer)` : ctx.params.add(scalarParam(ctx.dialect, 'Int', value));
    case 'Float':
      return pg ? `CAST(${ctx.params.add(scalarParam(ctx.dialect, 'Float', value))} AS double precision)` : ctx.params.add(scalarParam(ctx.dialect, 'Float', value));
    case 'Bytes':
      return ctx.params.add(Buffer.from(value as Uint8Array));
    case 'Json':
      return pg ? `CAST(${ctx.params.add(JSON.stringify(value))} AS jsonb)` : ctx.params.add(JSON.stringify(value));
    default:
      return ctx.params.add(scalarParam(ctx.dialect, 'String', value));
  }
}

/** The scalar types whose bound value {@link scalarParam} writes. */
export type ParamScalar = 'Int' | 'Float' | 'String' | 'DateTime';

/** The bound value of a non-null Int, Float, String or DateTime filter value, as {@link bindValue} binds it. */
export function scalarParam(dialect: SqlContext['dialect'], type: ParamScalar, value: unknown): string | number {
  if (type === 'DateTime') {
    const iso = toDate(value).toISOString();
    return dialect === 'postgresql' ? iso : iso.replace(/Z$/, '+00:00');
  }
  if (type === 'String') return String(value);
  return dialect === 'postgresql' ? String(value) : Number(value);
}

/** The PostgreSQL array type of a scalar list field (`text[]`, `"Color"[]`...). */
export function pgArrayType(ctx: SqlContext, field: DmmfField): string {
  if (field.kind === 'enum') return `${enumDbType(ctx.datamodel, field.type)}[]`;
  const types: Record<string, string> = {
    String: 'text', Int: 'integer', Float: 'double precision', Boolean: 'boolean', DateTime: 'timestamp(3)',
    BigInt: 'bigint', Decimal: 'numeric', Bytes: 'bytea', Json: 'jsonb',
  };
  return `${types[field.type] ?? 'text'}[]`;
}

/** A list of values as one bound PostgreSQL array of the field's element type. */
export function bindArray(ctx: SqlContext, field: DmmfField, values: unknown[]): string {
  const items = values.map((v) => {
    if (v === null || v === undefined) return null;
    if (field.kind === 'enum') return enumDbValue(ctx.datamodel, field.type, v);
    if (field.type === 'DateTime') return toDate(v).toISOString();
    if (field.type === 'Bytes') return `\\x${Buffer.from(v as Uint8Array).toString('hex')}`;
    if (field.type === 'Json') return JSON.stringify(v);
    return String(v);
  });
  return `CAST(${ctx.params.add(items)} AS ${pgArrayType(ctx, field)})`;
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  const date = new Date(value as string | number);
  if (Number.isNaN(date.getTime())) throw new TypeError(`Not a DateTime: ${String(value)}`);
  return date;
}
