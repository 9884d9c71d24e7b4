import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import type { Context } from '../base/context.ts';
import { scalars } from './scalars.ts';

/**
 * The builder type the generator works with. The API is built at run time
 * from whatever schema the user brings, so model types are not known to the
 * compiler here; app code that extends the schema gets typed builders instead.
 */
export type AnyBuilder = any;

/** Creates the Pothos builder with the Prisma plugin and Strata's scalars. */
export function createBuilder(datamodel: unknown): AnyBuilder {
  const builder = new SchemaBuilder<{ Context: Context; PrismaTypes: any; DefaultFieldNullability: false }>({
    plugins: [PrismaPlugin],
    defaultFieldNullability: false,
    prisma: {
      client: (ctx: Context) => ctx.prisma as any,
      dmmf: datamodel as { datamodel: unknown },
      exposeDescriptions: true,
      onUnusedQuery: null,
    },
  } as any);
  for (const scalar of Object.values(scalars)) builder.addScalarType(scalar.name as never, scalar, {});
  return builder;
}
