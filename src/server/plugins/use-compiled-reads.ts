import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { isAdmin } from '../../base/viewer.ts';
import type { Config } from '../../base/config.ts';
import type { Context } from '../../base/context.ts';
import { createReadEngine } from '../../reads/create-read-engine.ts';
import type { Generator } from '../../schema/generator.ts';

/**
 * The fast lane for reads: a query whose every root field is a generated read
 * the compiler covers is answered with one SQL statement per root field,
 * skipping graphql-js execution. It replaces only the execute step, so
 * parsing, validation, depth/alias/cost limits, CSRF, auth and error masking
 * are the same for both lanes; everything else runs the general executor.
 */
export function useCompiledReads(config: Pick<Config, 'readEngine'>, schema: GraphQLSchema, log: Logger): Plugin {
  const gen = schema.extensions?.strataGenerator as Generator | undefined;
  if (config.readEngine === 'off' || !gen) return {};
  const engine = createReadEngine(gen, { isAdmin: (ctx) => isAdmin(ctx.viewer) });
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        const compiled = engine.execute(args);
        if (!compiled) return executeFn(args);
        try {
          return await compiled;
        } catch (error) {
          // A statement the database refused is a compiler bug: the general path still answers correctly.
          ((args.contextValue as Context).log ?? log).warn({ err: error }, 'compiled read failed; answered by the general executor');
          return executeFn(args);
        }
      });
    },
  };
}
