import { badInput } from '../../base/errors.ts';
import type { Datamodel } from '../../base/datamodel.ts';
import { numericTypes } from '../../base/datamodel.ts';
import type { FieldSpecs, InputRegistry } from '../input-registry.ts';
import { names } from '../../base/naming.ts';
import { graphqlScalar } from '../scalars.ts';

const comparable = new Set(['Int', 'Float', 'Decimal', 'BigInt', 'DateTime', 'String']);

/** Filter operators of one scalar (or enum) type, as in Prisma Client. */
function operators(type: string, isEnum: boolean, provider: Datamodel['provider'], self: string): FieldSpecs {
  const json = type === 'JSON';
  const ops: FieldSpecs = {
    equals: { type, kind: json ? 'json' : undefined },
    // Prisma's Json filter takes a value under `not`, not a nested filter: `{ not: { equals: 1 } }` would compare with that object.
    not: json ? { type, kind: 'json' } : { type: self },
  };
  if (json) return { ...ops, ...jsonOperators(type, provider) };
  if (type === 'Boolean') return ops;
  ops.in = { type, list: true };
  ops.notIn = { type, list: true };
  if (!isEnum && comparable.has(type)) {
    for (const op of ['lt', 'lte', 'gt', 'gte']) ops[op] = { type };
  }
  if (type === 'String') {
    ops.contains = { type };
    ops.startsWith = { type };
    ops.endsWith = { type };
    if (provider === 'postgresql') ops.mode = { type: names.queryMode, description: 'insensitive compares without case (PostgreSQL).' };
  }
  return ops;
}

/**
 * Prisma's Json filters that both databases run: a `path` into the value
 * (one shape for both, translated for SQLite by {@link sqliteJsonPath}),
 * then `equals`/`not` or the string tests on what is found there.
 * PostgreSQL also has `array_contains`. Prisma's own names, as elsewhere.
 */
function jsonOperators(type: string, provider: Datamodel['provider']): FieldSpecs {
  const ops: FieldSpecs = {
    path: { type: 'String', list: true, kind: provider === 'sqlite' ? 'jsonPath' : undefined, description: 'Keys (and array indexes, as digits) leading to the value the other operators test, e.g. ["camera", "model"].' },
    string_contains: { type: 'String', description: 'The value at `path` is a string containing this.' },
    string_starts_with: { type: 'String' },
    string_ends_with: { type: 'String' },
  };
  if (provider === 'postgresql') ops.array_contains = { type, kind: 'json', description: 'The array at `path` contains these elements (PostgreSQL).' };
  return ops;
}

/** A `path` of a Json filter as SQLite's JSON path: `["camera", "model"]` → `$."camera"."model"`, digits index arrays. */
export function sqliteJsonPath(path: unknown): string {
  if (!Array.isArray(path)) throw badInput('A Json filter path is a list of keys');
  return `$${path
    .map((segment) => {
      const key = String(segment);
      if (/^\d+$/.test(key)) return `[${key}]`;
      if (key.includes('"')) throw badInput('A Json filter path key cannot contain a double quote on SQLite', { key });
      return `."${key}"`;
    })
    .join('')}`;
}

/**
 * Shared filter inputs, one per scalar or enum type: `StringFilter`,
 * `IntFilter`, `RoleFilter`... and their `...AggregatesFilter` for `having`.
 */
export class ScalarFilters {
  constructor(
    private readonly registry: InputRegistry,
    private readonly datamodel: Datamodel,
  ) {}

  /** The filter input name for a Prisma field type (scalar or enum). */
  filter(prismaType: string, isEnum: boolean): string {
    const type = isEnum ? names.enumType(prismaType) : graphqlScalar(prismaType);
    const name = isEnum ? names.enumFilter(type) : names.scalarFilter(type);
    return this.registry.define(name, () => operators(type, isEnum, this.datamodel.provider, name));
  }

  /** The filter of a scalar list field (PostgreSQL), as in Prisma Client: `has`, `hasEvery`, `hasSome`, `isEmpty`, `equals`. */
  listFilter(prismaType: string, isEnum: boolean): string {
    const type = isEnum ? names.enumType(prismaType) : graphqlScalar(prismaType);
    return this.registry.define(names.listFilter(type), () => ({
      equals: { type, list: true, description: 'The whole list, in order.' },
      has: { type, description: 'The list contains this value.' },
      hasEvery: { type, list: true, description: 'The list contains every one of these values.' },
      hasSome: { type, list: true, description: 'The list contains at least one of these values.' },
      isEmpty: { type: 'Boolean' },
    }));
  }

  /** The `having` filter of one field type: its own operators plus aggregates of it. */
  aggregates(prismaType: string, isEnum: boolean): string {
    const type = isEnum ? names.enumType(prismaType) : graphqlScalar(prismaType);
    const name = names.aggregatesFilter(type);
    return this.registry.define(name, () => {
      const own = this.filter(prismaType, isEnum);
      const specs: FieldSpecs = { ...operators(type, isEnum, this.datamodel.provider, name) };
      specs._count = { type: this.filter('Int', false) };
      if (type !== 'JSON' && type !== 'Bytes' && type !== 'Boolean') {
        specs._min = { type: own };
        specs._max = { type: own };
      }
      if (numericTypes.has(prismaType)) {
        specs._sum = { type: own };
        specs._avg = { type: this.filter(prismaType === 'Decimal' ? 'Decimal' : 'Float', false) };
      }
      return specs;
    });
  }
}
