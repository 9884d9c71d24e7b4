import type { SqlContext } from './sql-context.ts';

const ZEROS = `'${'0'.repeat(24)}'`;

/**
 * SQL text of a number written as JavaScript's `String(n)` writes it (and
 * decimal.js's `toString`, which uses the same thresholds): shortest digits,
 * plain notation for 1e-7 < |n| < 1e21, else `d.ddde±x`; `-0` is `0`.
 *
 * The significant digits come from the database: PostgreSQL prints float8
 * with the shortest round-trip digits (but switches to exponents at other
 * thresholds, `1e+15`, `1e-05`) and numeric in plain notation with trailing
 * zeros; SQLite prints a REAL with the first of 15/16/17 digits that reads
 * back equal. The digits and the decimal exponent are then re-laid-out by
 * JavaScript's rules (ECMA-262 Number::toString).
 */
export function jsNumberText(ctx: SqlContext, value: string, kind: 'float' | 'decimal'): string {
  return `CASE WHEN ${value} = 0 THEN '0' ${fastPath(ctx, value, kind)} ELSE ${relaidOut(ctx, value)} END`;
}

/**
 * The common range, where the database already prints JavaScript's text
 * (about 10x cheaper than re-laying out the digits): PostgreSQL prints float8
 * in plain notation with the shortest digits for 1e-4 ≤ |n| < 1e15 (with the
 * default extra_float_digits), and numeric plainly, its trailing zeros cut by
 * trim_scale (PostgreSQL 13+), which decimal.js does for 1e-6 ≤ |n| < 1e21;
 * SQLite prints whole REALs below 1e15 as integers, others in that range
 * plainly through printf.
 */
function fastPath(ctx: SqlContext, v: string, kind: 'float' | 'decimal'): string {
  if (ctx.dialect === 'postgresql') {
    return kind === 'decimal'
      ? `WHEN abs(${v}) >= 0.000001 AND abs(${v}) < 1e21 THEN CAST(trim_scale(${v}) AS TEXT)`
      : `WHEN abs(${v}) >= 1e-4 AND abs(${v}) < 1e15 THEN CAST(${v} AS TEXT)`;
  }
  return `WHEN abs(${v}) < 1e15 AND ${v} = CAST(${v} AS INTEGER) THEN CAST(CAST(${v} AS INTEGER) AS TEXT)
    WHEN abs(${v}) >= 1e-4 AND abs(${v}) < 1e15 THEN ${sqliteShortest(v)}`;
}

/** Any value: the digits and decimal exponent read from the database's text, laid out by JavaScript's rules. */
function relaidOut(ctx: SqlContext, value: string): string {
  const pg = ctx.dialect === 'postgresql';
  const pos = (needle: string, hay: string) => (pg ? `strpos(${hay}, ${needle})` : `instr(${hay}, ${needle})`);
  const before = (hay: string, ch: string) => `CASE WHEN ${pos(ch, hay)} > 0 THEN substr(${hay}, 1, ${pos(ch, hay)} - 1) ELSE ${hay} END`;
  const afterE = `CASE WHEN ${pos("'e'", 't')} > 0 THEN CAST(substr(t, ${pos("'e'", 't')} + 1) AS INTEGER) ELSE 0 END`;
  const text = pg ? `CAST(abs(${value}) AS TEXT)` : sqliteShortest(`abs(${value})`);
  const d = 'digits';
  const exponential = `substr(${d}, 1, 1) || CASE WHEN length(${d}) > 1 THEN '.' || substr(${d}, 2) ELSE '' END || 'e' || CASE WHEN x >= 0 THEN '+' ELSE '-' END || CAST(abs(x) AS TEXT)`;
  const laidOut = `CASE
    WHEN x >= 21 OR x <= -7 THEN ${exponential}
    WHEN x < 0 THEN '0.' || substr(${ZEROS}, 1, -x - 1) || ${d}
    WHEN length(${d}) <= x + 1 THEN ${d} || substr(${ZEROS}, 1, x + 1 - length(${d}))
    ELSE substr(${d}, 1, x + 1) || '.' || substr(${d}, x + 2) END`;
  const trimBoth = pg ? `btrim(s, '0')` : `trim(s, '0')`;
  // PostgreSQL would pull the nested subqueries up into one expression that repeats the text parsing dozens of
  // times, costing about a millisecond of planning on every execution: OFFSET 0 keeps each level a subquery.
  const fence = pg ? ' OFFSET 0' : '';
  return `(SELECT CASE WHEN ${d} = '' THEN '0' ELSE sgn || ${laidOut} END FROM (
    SELECT sgn, ${trimBoth} AS ${d}, length(ip) - (length(s) - length(ltrim(s, '0'))) - 1 + e AS x FROM (
      SELECT sgn, ${before('m', "'.'")} AS ip, replace(m, '.', '') AS s, e FROM (
        SELECT sgn, ${before('t', "'e'")} AS m, ${afterE} AS e FROM (
          SELECT CASE WHEN ${value} < 0 THEN '-' ELSE '' END AS sgn, ${text} AS t${fence}) AS n1${fence}) AS n2${fence}) AS n3${fence}) AS n4)`;
}

/** The shortest of SQLite's 15-, 16- and 17-digit renderings that reads back as the same REAL. */
function sqliteShortest(value: string): string {
  const p = (digits: number) => `printf('%!.${digits}g', ${value})`;
  return `CASE WHEN CAST(${p(15)} AS REAL) = ${value} THEN ${p(15)} WHEN CAST(${p(16)} AS REAL) = ${value} THEN ${p(16)} ELSE ${p(17)} END`;
}
