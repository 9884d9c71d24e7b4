import { badInput } from './errors.ts';

const NUL = '\u0000';

/** Plain objects only: Decimal, Date, Buffer, uploaded files and other class instances are single values. */
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value));

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const refuse = (path: string, where: string | undefined, what: string) =>
  badInput(`Argument ${path}${where ? ` of ${where}` : ''} must not contain ${what}`, { argument: path });

/** Why a string cannot be stored as sent, if it cannot. */
function unstorable(text: string): string | undefined {
  if (text.includes(NUL)) return 'the NUL character (U+0000)';
  // Neither database stores one (both write U+FFFD instead, SQLite three of them); PostgreSQL's jsonb refuses it.
  if (LONE_SURROGATE.test(text)) return 'a lone UTF-16 surrogate (U+D800 to U+DFFF): send well-formed Unicode';
  return undefined;
}

/**
 * Refuses, with BAD_USER_INPUT naming the argument (`where.title.equals`,
 * `data.metadata.tags[2]`), any string in a generated operation's arguments
 * that holds U+0000 or a lone surrogate: in scalar values, lists, and anywhere
 * inside a `JSON` value, keys included. PostgreSQL can store a NUL neither in
 * `text` nor in `jsonb` (nor compare with one), SQLite can; a lone surrogate
 * neither stores as sent. Refusing both on either database before any SQL
 * runs keeps the API the same on both. `where` names
 * the field for arguments of a nested field (`User.posts`). The arguments were
 * already bounded by the input limits (STRATA_MAX_INPUT_VALUES, _DEPTH), so
 * the walk is too.
 */
export function assertStorableValues(args: Record<string, unknown>, where?: string): void {
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      const what = unstorable(value);
      if (what) throw refuse(path, where, what);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        // A JSON key is data too (jsonb refuses it); the path shows it escaped.
        const what = unstorable(key);
        if (what) throw refuse(`${path}.${JSON.stringify(key)}`, where, what);
        walk(item, `${path}.${key}`);
      }
    }
  };
  for (const [name, value] of Object.entries(args)) walk(value, name);
}
