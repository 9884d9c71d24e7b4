import { isAdmin } from '../base/viewer.ts';
import type { Context } from '../base/context.ts';
import type { ModelRules, Preset, Rule, Rules } from './define-rules.ts';
import type { ModelPolicy, Policy, Where } from './policy.ts';

/**
 * Results of rule functions by request context: a rule sees only the viewer,
 * so it runs once per request (once per subscription, whose filter is fixed
 * when it starts), however many rows, fields and levels ask it.
 */
const results = new WeakMap<object, Map<object, Where | null>>();

/** Evaluates a rule for the caller: `{}` allows every row, a `Where` some rows, `null` none. */
export function evaluate(rule: Rule | undefined, ctx: Pick<Context, 'viewer'>): Where | null {
  if (rule === undefined || rule === false) return null;
  if (rule === true) return {};
  if (rule === 'authenticated') return ctx.viewer.kind === 'user' ? {} : null;
  let byRule = results.get(ctx);
  if (!byRule) results.set(ctx, (byRule = new Map()));
  if (byRule.has(rule)) return byRule.get(rule)!;
  const result = rule({ viewer: ctx.viewer });
  const where = result === true ? {} : result ? result : null;
  byRule.set(rule, where);
  return where;
}

/** A preset's values for the caller: every preset field is present, `undefined` where its function gives nothing. */
function presetValues(preset: Preset | undefined, ctx: Pick<Context, 'viewer'>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(preset ?? {}).map(([field, value]) => [field, value({ viewer: ctx.viewer })]));
}

function modelPolicy(rules: ModelRules | undefined, managed: ManagedFields = {}): ModelPolicy {
  const r = rules ?? {};
  const gate = (rule: Rule | undefined) => (ctx: Context) => (isAdmin(ctx.viewer) ? {} : evaluate(rule, ctx));
  return {
    openRead: r.read === true,
    guardedFields: Object.entries(r.fields ?? {})
      .filter(([, f]) => f.read !== undefined)
      .map(([name]) => name),
    read: gate(r.read),
    create: gate(r.create),
    update: gate(r.update),
    delete: gate(r.delete),
    updateCheck: (ctx) => (isAdmin(ctx.viewer) || !r.check?.update ? {} : (evaluate(r.check.update, ctx) ?? {})),
    presetFields: { create: Object.keys(r.preset?.create ?? {}), update: Object.keys(r.preset?.update ?? {}) },
    preset: (ctx, operation) => (isAdmin(ctx.viewer) ? {} : presetValues(r.preset?.[operation], ctx)),
    readField: (ctx, field) => {
      const rule = r.fields?.[field]?.read;
      return isAdmin(ctx.viewer) || rule === undefined ? {} : evaluate(rule, ctx);
    },
    writeField: (ctx, field) => {
      // A capability's own columns: the app's rules cannot open them up.
      if (managed[field] === 'never') return false;
      if (managed[field] === 'admin') return isAdmin(ctx.viewer);
      const rule = r.fields?.[field]?.write;
      return isAdmin(ctx.viewer) || rule === undefined || evaluate(rule, ctx) !== null;
    },
    hasWriteRule: (field) => r.fields?.[field]?.write !== undefined,
  };
}

/** Model and field names a schema has, to validate rules against. */
export type ModelFieldNames = Record<string, string[]>;

/**
 * Fields a capability writes itself (auth's email, role, password hash...):
 * `'never'` — no client sets it through the generic API, admins included;
 * `'admin'` — only admins do. Either way the app's field rules cannot widen it.
 * Trusted server writes (hooks, the capability itself) are not limited.
 */
export type ManagedFields = Record<string, 'never' | 'admin'>;

export interface CompilePolicyOptions {
  /** Managed fields per model, e.g. `{ User: { passwordHash: 'never', role: 'admin' } }`. @default none */
  managedFields?: Record<string, ManagedFields>;
}

/**
 * Compiles app rules into the policy every read and write path asks. Deny
 * by default: a model without rules is reachable by admins only. Unknown
 * model or field names fail start-up with one message listing them all.
 */
export function compilePolicy(rules: Rules, models: ModelFieldNames, options: CompilePolicyOptions = {}): Policy {
  const problems: string[] = [];
  for (const [model, modelRules] of Object.entries(rules)) {
    if (!models[model]) {
      problems.push(`rules name an unknown model "${model}"`);
      continue;
    }
    const named = [...Object.keys(modelRules.fields ?? {}), ...Object.keys(modelRules.preset?.create ?? {}), ...Object.keys(modelRules.preset?.update ?? {})];
    for (const field of new Set(named)) {
      if (!models[model].includes(field)) problems.push(`rules name an unknown field "${model}.${field}"`);
    }
  }
  if (problems.length) throw new Error(`Invalid access rules:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const managed = options.managedFields ?? {};
  const policies = new Map(Object.keys(models).map((model) => [model, modelPolicy(rules[model], managed[model])]));
  const adminOnly = modelPolicy(undefined);
  return (model) => policies.get(model) ?? adminOnly;
}
