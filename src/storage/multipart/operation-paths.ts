import { AppError, badInput } from '../../base/errors.ts';

const forbidden = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks one `map` path of the GraphQL multipart request spec
 * (`variables.file`, `0.variables.files.1` for batches) against the parsed
 * `operations`: it must lead into an operation's variables, to a value the
 * client left `null` for the file. Returns the path's segments.
 */
export function checkPath(operations: unknown, path: string): string[] {
  if (typeof path !== 'string') throw badInput('Multipart "map" values must be arrays of paths');
  const segments = path.split('.');
  const batched = Array.isArray(operations);
  const variablesAt = batched ? 1 : 0;
  if (segments.length < variablesAt + 2 || segments[variablesAt] !== 'variables' || (batched && !/^\d+$/.test(segments[0]))) {
    throw badInput(`Multipart "map" path "${path}" must point into an operation's variables`);
  }
  let current: unknown = operations;
  for (const [i, segment] of segments.entries()) {
    if (forbidden.has(segment)) throw badInput(`Multipart "map" path "${path}" is not allowed`);
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      throw badInput(`Multipart "map" path "${path}" does not exist in "operations"`);
    }
    current = (current as Record<string, unknown>)[segment];
    if (i === segments.length - 1 && current !== null) throw badInput(`Multipart "map" path "${path}" must point at a null placeholder`);
  }
  return segments;
}

/** Puts `value` where a checked path points. */
export function setPath(operations: unknown, segments: string[], value: unknown): void {
  let current = operations as Record<string, unknown>;
  for (const segment of segments.slice(0, -1)) current = current[segment] as Record<string, unknown>;
  current[segments[segments.length - 1]] = value;
}

/** Parses and checks the `map` field: file field name → paths. */
export function parseMap(text: string, operations: unknown, maxFiles: number): Map<string, string[][]> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badInput('Multipart field "map" must be valid JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw badInput('Multipart field "map" must be a JSON object');
  const entries = Object.entries(raw);
  if (entries.length > maxFiles) throw tooManyFiles(maxFiles);
  const map = new Map<string, string[][]>();
  for (const [name, paths] of entries) {
    if (!Array.isArray(paths) || paths.length === 0) throw badInput(`Multipart "map" entry "${name}" must be a non-empty array of paths`);
    map.set(name, paths.map((p) => checkPath(operations, p)));
  }
  return map;
}

/** The error for a request carrying more than `maxFiles` files. */
export function tooManyFiles(maxFiles: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `At most ${maxFiles} files may be uploaded in one request`, { maxFiles });
}
