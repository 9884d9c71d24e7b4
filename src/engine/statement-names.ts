/** Most distinct statements named per process; statements past it run unnamed (parsed each time). */
const DEFAULT_MAX_NAMED = 2000;

/**
 * Names for PostgreSQL prepared statements, one per distinct SQL text: pg
 * parses a named statement once per connection and then only binds and
 * executes it, which saves PostgreSQL the parse and plan of every request.
 * The names are stable for the process; the count is bounded, because
 * connections keep their prepared statements until they close (texts that
 * differ by a literal, such as `IN` lists of varying length, would otherwise
 * grow without end).
 */
export function createStatementNames(maxNamed = DEFAULT_MAX_NAMED): (query: { sql: string }) => string | undefined {
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined || names.size >= maxNamed) return known;
    const name = `strata_${names.size + 1}`;
    names.set(sql, name);
    return name;
  };
}
