import { type DocumentNode, type ExecutionArgs, getOperationAST } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { assertStorableValues } from '../base/check-input-values.ts';
import type { Context } from '../base/context.ts';
import type { Generator } from '../schema/generator.ts';
import { compileOperation, type RootPlan } from './compile-operation.ts';
import { PlanCache } from './plan-cache.ts';
import { fillTemplate, type PlanTemplate, standIns, templateOf, templateVariables } from './plan-template.ts';
import { readRoots } from './compile-root-field.ts';
import { type ReadRows, runPlan, runPlanText } from './run-plan.ts';
import type { ParamScalar } from './sql/bind-value.ts';

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
  /** Runs planned statements: the response body `{"data":…}` as the database wrote it, in parts to write in order (see runPlanText). */
  runText(plans: RootPlan[]): Promise<string[]>;
  /** How many times an operation was compiled (a template's later requests compile nothing). */
  readonly compilations: number;
}

export interface ReadEngineOptions {
  /** Whether the viewer is an administrator (the operation layer's `admin` access). */
  isAdmin(ctx: Context): boolean;
  /** Runs one statement (the database's `readRows`). */
  readRows: ReadRows;
  /** How many compiled plans to keep. @default 1000 */
  cacheSize?: number;
}

/**
 * A cached answer: a template whose variable values are bound per request,
 * plans (for exactly the variables of the key), `perRequest` when the values
 * shape the statement (each request compiles), `seenOnce` for a key asked
 * once (a template costs two compilations: it is made when the key comes
 * back, so viewers who ask once cost one compilation, as without it), or a decline.
 */
type Cached = { template: PlanTemplate } | { plans: RootPlan[] } | { perRequest: true } | { seenOnce: true } | null;

/**
 * Creates the read compiler for the API `gen` built. Plans are cached per
 * document, operation and viewer; variables used only as `where` values are
 * bound per request into one template (see plan-template.ts), any other
 * variable is part of the cache key.
 */
export function createReadEngine(gen: Generator, options: ReadEngineOptions): ReadEngine {
  const roots = readRoots(gen.datamodel.models);
  const cache = new PlanCache<Cached>(options.cacheSize ?? 1000);
  const variablesOf = new WeakMap<DocumentNode, Map<string, Map<string, ParamScalar>>>();
  const dialect = gen.datamodel.provider;
  const { readRows } = options;
  let compilations = 0;
  const compile = (args: ExecutionArgs, variables: Record<string, unknown>) => {
    compilations += 1;
    return compileOperation(gen, roots, { ...args, variableValues: variables }, options.isAdmin);
  };

  const templated = (args: ExecutionArgs): Map<string, ParamScalar> => {
    const name = args.operationName ?? '';
    let byOperation = variablesOf.get(args.document);
    if (!byOperation) variablesOf.set(args.document, (byOperation = new Map()));
    let vars = byOperation.get(name);
    if (!vars) {
      const operation = getOperationAST(args.document, args.operationName);
      byOperation.set(name, (vars = operation ? templateVariables(args.document, operation) : new Map()));
    }
    return vars;
  };

  const build = (args: ExecutionArgs, vars: Map<string, ParamScalar>, raw: Record<string, unknown>): Cached => {
    const [a, b] = standIns(vars);
    const first = compile(args, { ...raw, ...a });
    const second = first && compile(args, { ...raw, ...b });
    const template = first && second && templateOf(dialect, vars, [first, second], [a, b]);
    if (template) return { template };
    // Declined whatever the values: the operation takes the general path.
    return first === null && compile(args, raw) === null ? null : { perRequest: true };
  };

  const plan = (args: ExecutionArgs): RootPlan[] | null => {
    const ctx = args.contextValue as Context;
    const raw = (args.variableValues ?? {}) as Record<string, unknown>;
    // Nulls shape the statement (`IS NULL`): such a variable is part of the key.
    const vars = new Map([...templated(args)].filter(([name]) => raw[name] != null));
    const keyed = vars.size ? Object.fromEntries(Object.entries(raw).filter(([name]) => !vars.has(name))) : raw;
    const key = cache.key(args.document, JSON.stringify([args.operationName ?? null, ctx.viewer, keyed, [...vars.keys()]]));
    let cached = cache.get(key);
    if (cached === undefined && vars.size) {
      cache.set(key, { seenOnce: true });
      return compile(args, raw);
    }
    if (cached === undefined || (cached && 'seenOnce' in cached)) {
      cached = vars.size ? build(args, vars, raw) : ((plans) => plans && { plans })(compile(args, raw));
      cache.set(key, cached);
    }
    if (!cached) return null;
    if ('plans' in cached) return cached.plans;
    if (!('template' in cached)) return compile(args, raw);
    const operation = getOperationAST(args.document, args.operationName);
    const coerced = getVariableValues(args.schema, operation?.variableDefinitions ?? [], raw);
    if (coerced.errors) return null;
    const values = Object.fromEntries([...vars.keys()].map((name) => [name, coerced.coerced[name]]));
    try {
      // What compiling with these values would have refused (the general path answers it).
      assertStorableValues(values);
    } catch {
      return null;
    }
    return fillTemplate(dialect, cached.template, values);
  };
  return {
    plan,
    run: (plans) => runPlan(readRows, plans),
    runText: (plans) => runPlanText(readRows, plans),
    get compilations() {
      return compilations;
    },
  };
}
