import { type Dialect, quote } from './sql/sql-context.ts';

/** A string literal for SQL text (only names the compiler itself writes, never client values). */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** One key of a JSON object being built; `json` marks a value that is itself JSON built by a subquery. */
export interface JsonPair {
  key: string;
  value: string;
  json?: boolean;
}

/** A JSON object from key/value pairs, in order (the response's key order). */
export function jsonObject(dialect: Dialect, pairs: JsonPair[]): string {
  // PostgreSQL functions take at most 100 arguments: a longer object is built 50 pairs at a time and the members
  // joined as text (json, unlike jsonb, keeps its text as written, so the key order holds).
  if (dialect === 'postgresql' && pairs.length > 50) {
    const members: string[] = [];
    for (let i = 0; i < pairs.length; i += 50) members.push(`left(right(${jsonObject(dialect, pairs.slice(i, i + 50))}::text, -1), -1)`);
    return `('{' || ${members.join(` || ', ' || `)} || '}')::json`;
  }
  const args = pairs.map((p) => `${literal(p.key)}, ${p.json && dialect === 'sqlite' ? `json(${p.value})` : p.value}`);
  return `${dialect === 'postgresql' ? 'json_build_object' : 'json_object'}(${args.join(', ')})`;
}

/**
 * A JSON array of the rows of `SELECT <pairs> <rest>` (`rest`: FROM, WHERE,
 * ORDER BY, LIMIT...), one object per row, in order; `[]` when none.
 *
 * On PostgreSQL the pairs are the subquery's columns, named by their keys,
 * and `json_agg` turns each row into its object: no json_build_object call
 * per row (a fifth less database CPU on a thousand rows) and compact text.
 * Keys an identifier cannot hold (over 63 bytes, repeated) and SQLite build
 * a `j` column with {@link jsonObject}.
 */
export function jsonRows(dialect: Dialect, pairs: JsonPair[], rest: string): string {
  const keys = new Set(pairs.map((p) => p.key));
  const asColumns = dialect === 'postgresql' && keys.size === pairs.length && pairs.length <= 1000 && pairs.every((p) => Buffer.byteLength(p.key) <= 63);
  if (!asColumns) return jsonArray(dialect, `SELECT ${jsonObject(dialect, pairs)} AS j ${rest}`);
  const columns = pairs.map((p) => `${p.value} AS ${quote(p.key)}`).join(', ');
  return `(SELECT coalesce(json_agg(s.*), '[]'::json) FROM (SELECT ${columns} ${rest}) s)`;
}

/** A JSON array of the `j` column of an ordered subquery (its order kept); `[]` when empty. */
export function jsonArray(dialect: Dialect, subquery: string): string {
  return dialect === 'postgresql'
    ? `(SELECT coalesce(json_agg(s.j), '[]'::json) FROM (${subquery}) s)`
    : `(SELECT json_group_array(json(s.j)) FROM (${subquery}) s)`;
}

/**
 * LIMIT / OFFSET as literals: page sizes are validated integers, and a
 * PostgreSQL plan that knows them (a generic plan too) picks nested loops
 * for small pages where an unknown LIMIT makes it plan for many rows.
 */
export function limitOffset(take: number | undefined, skip: number | undefined, dialect: Dialect): string {
  const int = (n: number) => {
    if (!Number.isSafeInteger(n)) throw new TypeError(`Not an integer page size: ${n}`);
    return String(n);
  };
  let out = '';
  if (take !== undefined) out += ` LIMIT ${int(take)}`;
  else if (skip) out += dialect === 'sqlite' ? ' LIMIT -1' : '';
  if (skip) out += ` OFFSET ${int(skip)}`;
  return out;
}
