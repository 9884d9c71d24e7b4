import type { Where } from '../../permissions/policy.ts';
import type { DmmfField, DmmfModel } from '../../base/datamodel.ts';
import { uniqueKeys } from '../../base/datamodel.ts';
import { column, relationJoin, scalarField } from './columns.ts';
import { compileScalarFilter, isFilterObject, joinAnd, joinLogical, TRUE } from './scalar-filter.ts';
import { quote, type SqlContext } from './sql-context.ts';

/**
 * Prisma `where` → SQL, matching Prisma 7's results on both databases (its
 * statements were read from the query log; test/reads/where-differential.test.ts
 * runs random filters through both):
 * - `AND: []` and `NOT: []` are no condition, `OR: []` matches nothing;
 *   `NOT: [a, b]` is `NOT a AND NOT b`; object and list forms are the same;
 *   inside list items, parts without a condition are dropped (see compile).
 * - to-many `some`/`none` are (NOT) EXISTS over the related rows, `every` is
 *   `NOT EXISTS (... AND NOT w)`: a related row on which `w` is NULL (a
 *   comparison with a NULL column) neither fails `every` nor passes `some`.
 * - to-one `is`/`isNot`/bare filter: Prisma LEFT JOINs the related row and
 *   tests `w AND row present` / `NOT w OR row absent`. Where the difference
 *   between NULL and false can show (under a NOT, `every` or `isNot`), the same
 *   LEFT JOIN is written as a scalar subquery so the three-valued result is
 *   identical; elsewhere a plain EXISTS, which the planner handles better.
 * - `is: null` / a bare `null` on the side holding the foreign key tests the
 *   key columns for NULL; from the other side, that no related row exists.
 * - A compound unique key (`pair: { memberId, articleId }`) is the equality of
 *   its fields, as in a unique where.
 */
export function compileWhere(ctx: SqlContext, model: DmmfModel, alias: string, where: Where | undefined): string | null {
  return compile(ctx, model, alias, where, { exact: false, negated: false });
}

/**
 * `exact`: the NULL / false distinction of the result matters (under a
 * negation); `negated`: under an odd number of them (Json string tests are
 * written differently there, as Prisma writes them).
 * `item`: the where is an item of an AND/OR/NOT list. Prisma drops, inside a
 * list item (at any depth), the parts that hold no condition — an `OR: []`,
 * `AND: []`, `NOT: []`, `name: {}` — and then drops items left with none;
 * in a where of its own (the root, or under a relation) an `OR: []` stays
 * and matches nothing. So `OR: [x, {}]` is `x`, `NOT: [{}]` and
 * `AND: [{ OR: [] }]` are no condition, `{ OR: [], name: 'a' }` matches
 * nothing, and `OR: [{ OR: [], name: 'a' }]` is `name = 'a'`.
 */
function compile(ctx: SqlContext, model: DmmfModel, alias: string, where: unknown, mode: Mode, item = false): string | null {
  if (where === undefined || where === null) return null;
  if (!isFilterObject(where)) throw new Error(`A where on ${model.name} must be an object`);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      const items = (Array.isArray(value) ? value : [value]) as unknown[];
      const inner = items.map((w) => compile(ctx, model, alias, w, key === 'NOT' ? flip(mode) : mode, true)).filter((s): s is string => s !== null);
      const joined = joinLogical(key, inner, item);
      if (joined !== null) parts.push(joined);
      continue;
    }
    const field = model.fields.find((f) => f.name === key);
    if (!field) {
      const unique = uniqueKeys(model).find((k) => k.name === key && k.fields.length > 1);
      if (!unique || !isFilterObject(value)) throw new Error(`Unknown field ${model.name}.${key} in a where`);
      const eq = unique.fields.map((name) => compileScalarFilter(ctx, scalarField(model, name), column(alias, scalarField(model, name)), value[name]));
      parts.push(joinAnd(eq.filter((s): s is string => s !== null)) ?? TRUE);
      continue;
    }
    const sql = field.kind === 'object' ? compileRelation(ctx, model, field, alias, value, mode) : compileScalarFilter(ctx, field, column(alias, field), value, false, mode.negated);
    if (sql !== null) parts.push(sql);
  }
  return joinAnd(parts);
}

interface Mode {
  exact: boolean;
  negated: boolean;
}
const positive: Mode = { exact: false, negated: false };
const flip = (mode: Mode): Mode => ({ exact: true, negated: !mode.negated });

function compileRelation(ctx: SqlContext, model: DmmfModel, field: DmmfField, alias: string, filter: unknown, mode: Mode): string | null {
  const target = ctx.datamodel.model(field.type);
  const to = ctx.alias();
  const join = relationJoin(ctx.datamodel, model, field, alias, to, ctx.alias);
  const exists = (w: string | null) => `EXISTS (SELECT 1 FROM ${join.from} WHERE ${join.on}${w === null ? '' : ` AND ${w}`})`;
  if (field.isList) {
    if (!isFilterObject(filter)) throw new Error(`A to-many filter on ${model.name}.${field.name} takes some, every or none`);
    const parts: string[] = [];
    for (const [op, w] of Object.entries(filter)) {
      if (w === undefined) continue;
      if (op === 'some') parts.push(exists(compile(ctx, target, to, w, positive)));
      else if (op === 'none') parts.push(`NOT ${exists(compile(ctx, target, to, w, positive))}`);
      else if (op === 'every') {
        const inner = compile(ctx, target, to, w, flip(positive));
        parts.push(inner === null ? TRUE : `NOT ${exists(`(NOT ${inner})`)}`);
      } else throw new Error(`Unknown to-many filter ${op} on ${model.name}.${field.name}`);
    }
    return joinAnd(parts);
  }
  const absent = () => (join.ownKeys ? joinAnd(join.ownKeys.map((k) => `${k} IS NULL`))! : `NOT ${exists(null)}`);
  const present = () => (join.ownKeys ? `NOT (${absent()})` : exists(null));
  // The LEFT JOIN Prisma writes, as a scalar subquery: one row, the related one or NULLs.
  const leftJoined = (expr: string) => `(SELECT ${expr} FROM (SELECT 1 AS one) AS ${quote(ctx.alias())} LEFT JOIN ${join.from} ON ${join.on})`;
  const found = join.present.map((c) => `${c} IS NOT NULL`).join(' AND ');
  const is = (w: unknown) => {
    const inner = compile(ctx, target, to, w, mode);
    if (!mode.exact) return exists(inner);
    return leftJoined(`(${inner ?? TRUE}) AND ${found}`);
  };
  const isNot = (w: unknown) => {
    const inner = compile(ctx, target, to, w, flip(mode));
    return inner === null ? absent() : leftJoined(`(NOT (${inner})) OR NOT (${found})`);
  };
  if (filter === null) return absent();
  if (!isFilterObject(filter)) throw new Error(`A to-one filter on ${model.name}.${field.name} must be an object`);
  const keys = Object.keys(filter).filter((k) => filter[k] !== undefined);
  if (keys.length === 0) return null; // `author: {}` is no condition, unlike `author: { is: {} }`
  if (!keys.every((k) => k === 'is' || k === 'isNot')) return is(filter);
  const parts: string[] = [];
  if (filter.is !== undefined) parts.push(filter.is === null ? absent() : is(filter.is));
  if (filter.isNot !== undefined) parts.push(filter.isNot === null ? present() : isNot(filter.isNot));
  return joinAnd(parts);
}
