import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { Context } from '../base/context.ts';
import type { Generator } from '../schema/generator.ts';
import { compileOperation, type RootPlan } from './compile-operation.ts';
import { PlanCache } from './plan-cache.ts';
import { readRoots } from './compile-root-field.ts';
import { type ReadRows, runPlan, runPlanText } from './run-plan.ts';

/** The read compiler of one API. */
export interface ReadEngine {
  /**
   * The statements answering a validated operation, one per root field, or
   * null when the operation must take the general path (anything but
   * generated reads the compiler covers, or any refusal).
   */
  plan(args: ExecutionArgs): RootPlan[] | null;
  /** Runs planned statements: the `data` of the result. */
  run(plans: RootPlan[]): Promise<Record<string, unknown>>;
  /** Runs planned statements: the response body `{"data":…}` as the database wrote it. */
  runText(plans: RootPlan[]): Promise<string>;
  /** {@link plan} then {@link run} as an execution result, or null to take the general path. */
  execute(args: ExecutionArgs): Promise<ExecutionResult> | null;
}

export interface ReadEngineOptions {
  /** Whether the viewer is an administrator (the operation layer's `admin` access). */
  isAdmin(ctx: Context): boolean;
  /** Runs one statement (the database's `readRows`). */
  readRows: ReadRows;
  /** How many compiled plans to keep. @default 1000 */
  cacheSize?: number;
}

/** Creates the read compiler for the API `gen` built. */
export function createReadEngine(gen: Generator, options: ReadEngineOptions): ReadEngine {
  const roots = readRoots(gen.datamodel.models);
  const cache = new PlanCache<RootPlan[]>(options.cacheSize ?? 1000);
  const { readRows } = options;
  const plan = (args: ExecutionArgs) => {
    const ctx = args.contextValue as Context;
    const key = cache.key(args.document, JSON.stringify([args.operationName ?? null, ctx.viewer, args.variableValues ?? null]));
    let plans = cache.get(key);
    if (plans === undefined) cache.set(key, (plans = compileOperation(gen, roots, args, options.isAdmin)));
    return plans;
  };
  return {
    plan,
    run: (plans) => runPlan(readRows, plans),
    runText: (plans) => runPlanText(readRows, plans),
    execute(args) {
      const plans = plan(args);
      return plans && runPlan(readRows, plans).then((data) => ({ data }));
    },
  };
}
