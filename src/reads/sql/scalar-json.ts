import type { DmmfField } from '../../base/datamodel.ts';
import { names } from '../../base/naming.ts';
import { jsNumberText } from './js-number-text.ts';
import type { SqlContext } from './sql-context.ts';

/**
 * A column's value as the GraphQL response encodes it, as an SQL value to put
 * in a JSON object (json_build_object or a row json_agg turns into an object
 * on PostgreSQL, json_object on SQLite): text becomes a
 * JSON string, a json value is embedded as is. How today's path encodes
 * (src/schema/scalars.ts over what Prisma returns) and what the SQL does:
 *
 * | type     | response                        | PostgreSQL                     | SQLite                          |
 * |----------|---------------------------------|--------------------------------|---------------------------------|
 * | String   | string                          | the column                     | the column                      |
 * | Int      | number                          | the column                     | the column                      |
 * | Float    | JS number text (`1`, `1e+21`)   | reformatted float8 text → json | shortest REAL text → json       |
 * | Boolean  | true / false                    | the column                     | 0/1 → json true/false           |
 * | BigInt   | string of digits                | ::text                         | CAST AS TEXT                    |
 * | Decimal  | decimal.js toString (`1.5`, `1e-7`) | reformatted numeric text   | REAL: as Float, as a string     |
 * | DateTime | ISO, ms, `Z`                    | to_char                        | strftime over the stored text   |
 * | Bytes    | base64                          | encode(…, 'base64') unwrapped  | base64 built in SQL (below)     |
 * | Json     | JSON.stringify(parsed value)    | jsonb text minified → json     | json(column)                    |
 * | enum     | GraphQL value name              | CASE over the database value   | CASE over the database value    |
 * | lists    | array of the above, [] for NULL | array_to_json(ARRAY(…))        | (no lists on SQLite)            |
 *
 * Every expression gives the final text: no type needs post-processing. Costs
 * and known differences:
 * - Bytes on SQLite: SQLite has no base64, so it is built from 3-byte groups
 *   by a recursive CTE, about 3 µs per byte (0.55 s for 200 KB here): fine
 *   for hashes, keys and thumbnails; a schema storing large files in Bytes
 *   columns is better served by the general path for those fields.
 * - Subnormal floats (below 2.2e-308) on SQLite print with up to 15 digits
 *   (`4.94065645841247e-324` for JavaScript's `5e-324`).
 * - Float and Decimal on SQLite when a value needs 17 significant digits:
 *   SQLite's printf rounds the 17th digit imprecisely, so the last digit can
 *   differ from JavaScript's shortest round-trip text (~1% of random 64-bit
 *   patterns, none for values with up to 16 digits). Not post-processed.
 * - Json: object keys that look like array indexes (`"10"`) come first in a
 *   JavaScript object, so a document mixing them with other keys is reordered
 *   by today's path and not here; on PostgreSQL numbers ≥ 1e21 or < 1e-6 keep
 *   jsonb's plain notation. Not post-processed.
 * - Float NaN/±Infinity (PostgreSQL only) are a GraphQL error today.
 * - DateTime outside years 0000–9999 (JavaScript writes `+010000-…`).
 */
export function scalarJson(ctx: SqlContext, field: DmmfField, column: string): string {
  const pg = ctx.dialect === 'postgresql';
  if (field.isList) {
    if (!pg) throw new Error('Scalar lists exist on PostgreSQL only');
    if (field.kind !== 'enum' && (field.type === 'String' || field.type === 'Int' || field.type === 'Boolean'))
      return `COALESCE(array_to_json(${column}), '[]'::json)`;
    const item = itemJson(ctx, field, 'item.v');
    return `COALESCE(array_to_json(ARRAY(SELECT ${item} FROM unnest(${column}) WITH ORDINALITY AS item(v, o) ORDER BY item.o)), '[]'::json)`;
  }
  return itemJson(ctx, field, column);
}

function itemJson(ctx: SqlContext, field: DmmfField, col: string): string {
  const pg = ctx.dialect === 'postgresql';
  const nullable = (sql: string) => `CASE WHEN ${col} IS NULL THEN NULL ELSE ${sql} END`;
  if (field.kind === 'enum') return enumJson(ctx, field, col);
  switch (field.type) {
    case 'Float':
      return pg ? nullable(`(${jsNumberText(ctx, col, 'float')})::json`) : `json(${nullable(jsNumberText(ctx, col, 'float'))})`;
    case 'Decimal':
      return nullable(jsNumberText(ctx, col, 'decimal'));
    case 'Boolean':
      return pg ? col : `json(CASE WHEN ${col} IS NULL THEN NULL WHEN ${col} THEN 'true' ELSE 'false' END)`;
    case 'BigInt':
      return `CAST(${col} AS TEXT)`;
    case 'DateTime':
      return pg ? `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : `strftime('%Y-%m-%dT%H:%M:%fZ', ${col})`;
    case 'Bytes':
      return pg ? `translate(encode(${col}, 'base64'), E'\\n', '')` : nullable(sqliteBase64(col));
    case 'Json':
      // jsonb prints `{"a": 1, "b": [1, 2]}`: drop the whitespace outside strings, as JSON.stringify writes none.
      return pg ? `regexp_replace(${col}::text, '("(?:[^"\\\\]|\\\\.)*")|\\s+', '\\1', 'g')::json` : `json(${col})`;
    default:
      return col;
  }
}

/** The GraphQL name of an enum value from the stored one (`@map`ped values, `true` → `true_`). */
function enumJson(ctx: SqlContext, field: DmmfField, col: string): string {
  const values = ctx.datamodel.enums.find((e) => e.name === field.type)?.values ?? [];
  const pairs = values.map((v) => [(v as { dbName?: string | null }).dbName ?? v.name, names.enumValue(v.name)] as const);
  const text = ctx.dialect === 'postgresql' ? `${col}::text` : col;
  if (pairs.every(([stored, shown]) => stored === shown)) return text;
  // Enum names are schema identifiers, not user input: literals keep one statement text per schema.
  const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
  return `CASE ${text} ${pairs.map(([stored, shown]) => `WHEN ${lit(stored)} THEN ${lit(shown)}`).join(' ')} END`;
}

const BASE64 = "'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'";

/** A BLOB as base64 in SQLite SQL: one row per 3-byte group (recursive CTE), concatenated in order, `=`-padded. */
function sqliteBase64(col: string): string {
  const byte = (k: string) => {
    const hex = `hex(substr(${col}, ${k}, 1))`;
    // A byte past the end reads as 0 (instr of '' is 1).
    return `(instr('0123456789ABCDEF', substr(${hex}, 1, 1)) * 16 + instr('0123456789ABCDEF', substr(${hex}, 2, 1)) - 17)`;
  };
  const char = (shift: number) => `substr(${BASE64}, ((n >> ${shift}) & 63) + 1, 1)`;
  const group = `(SELECT ${char(18)} || ${char(12)} || CASE WHEN i + 2 > length(${col}) THEN '=' ELSE ${char(6)} END || CASE WHEN i + 3 > length(${col}) THEN '=' ELSE ${char(0)} END FROM (SELECT ${byte('i + 1')} * 65536 + ${byte('i + 2')} * 256 + ${byte('i + 3')} AS n))`;
  return `(WITH RECURSIVE b64(i) AS (SELECT 0 UNION ALL SELECT i + 3 FROM b64 WHERE i + 3 < length(${col})) SELECT COALESCE(group_concat(${group}, '' ORDER BY i), '') FROM b64 WHERE i < length(${col}))`;
}
