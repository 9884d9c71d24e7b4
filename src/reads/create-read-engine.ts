import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { Context } from '../base/context.ts';
import type { Generator } from '../schema/generator.ts';
import { compileOperation, type RootPlan } from './compile-operation.ts';
import { PlanCache } from './plan-cache.ts';
import { readRoots } from './compile-root-field.ts';
import { runPlan } from './run-plan.ts';

/** The read compiler of one API. */
export interface ReadEngine {
  /**
   * Answers a validated operation with one SQL statement per root field, or
   * returns null when the operation must take the general path (anything
   * but generated reads the compiler covers, or any refusal).
   */
  execute(args: ExecutionArgs): Promise<ExecutionResult> | null;
}

export interface ReadEngineOptions {
  /** Whether the viewer is an administrator (the operation layer's `admin` access). */
  isAdmin(ctx: Context): boolean;
  /** How many compiled plans to keep. @default 1000 */
  cacheSize?: number;
}

/** Creates the read compiler for the API `gen` built. */
export function createReadEngine(gen: Generator, options: ReadEngineOptions): ReadEngine {
  const roots = readRoots(gen.datamodel.models);
  const cache = new PlanCache<RootPlan[]>(options.cacheSize ?? 1000);
  return {
    execute(args) {
      const ctx = args.contextValue as Context;
      const key = cache.key(args.document, JSON.stringify([args.operationName ?? null, ctx.viewer, args.variableValues ?? null]));
      let plans = cache.get(key);
      if (plans === undefined) cache.set(key, (plans = compileOperation(gen, roots, args, options.isAdmin)));
      if (!plans) return null;
      return runPlan(args.contextValue as Context, plans).then((data) => ({ data }));
    },
  };
}
