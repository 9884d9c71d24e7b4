import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Context } from '../../base/context.ts';
import type { ReadEngine } from '../../reads/create-read-engine.ts';
import type { LaneDocuments } from '../read-lane/lane-documents.ts';

/**
 * Generated reads without graphql-js: a query whose every root field is a
 * generated read the compiler covers is answered with one SQL statement per
 * root field. It replaces only the execute step, so parsing, validation,
 * depth/alias/cost limits, CSRF, auth and error masking are the same for both
 * ways; everything else runs the general executor. A query text answered
 * here over HTTP is handed to the read lane (`documents`), which answers its
 * next requests in front of yoga.
 */
export function useCompiledReads(engine: ReadEngine | null, documents: LaneDocuments | null, log: Logger): Plugin {
  if (!engine) return {};
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        const plans = engine.plan(args);
        if (!plans) return executeFn(args);
        const ctx = args.contextValue as Context & { params?: { query?: unknown } };
        try {
          const data = await engine.run(plans);
          if (documents && ctx.request && typeof ctx.params?.query === 'string') documents.add(ctx.params.query, args.document);
          return { data };
        } catch (error) {
          // A statement the database refused is a compiler bug: the general path still answers correctly.
          (ctx.log ?? log).warn({ err: error }, 'compiled read failed; answered by the general executor');
          return executeFn(args);
        }
      });
    },
  };
}
