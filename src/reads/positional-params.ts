/**
 * SQLite's numbered placeholders (`?1`) as plain `?` with the values in order
 * of appearance: better-sqlite3 binds `?NNN` only from an object, and
 * Prisma's adapter passes an array. The compiler writes `?` nowhere else
 * (client values are always bound), so the rewrite cannot touch a literal.
 */
export function positionalParams(sql: string, values: unknown[]): { sql: string; values: unknown[] } {
  const ordered: unknown[] = [];
  const text = sql.replace(/\?(\d+)/g, (_match, n: string) => {
    ordered.push(values[Number(n) - 1]);
    return '?';
  });
  return { sql: text, values: ordered };
}
