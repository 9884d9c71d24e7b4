import type { Datamodel } from '../dmmf.ts';
import { numericTypes } from '../dmmf.ts';
import type { FieldSpecs, InputRegistry } from '../input-registry.ts';
import { names } from '../naming.ts';
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
  if (json || type === 'Boolean') return ops;
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
