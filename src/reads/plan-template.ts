import { type ArgumentNode, type DocumentNode, Kind, type OperationDefinitionNode, type TypeNode, type ValueNode, visit } from 'graphql';
import type { Dialect } from './sql/sql-context.ts';
import { type ParamScalar, scalarParam } from './sql/bind-value.ts';
import type { RootPlan } from './compile-operation.ts';

const scalarTypes: Record<string, ParamScalar> = { Int: 'Int', Float: 'Float', String: 'String', ID: 'String', DateTime: 'DateTime' };

/** Where a variable's value goes in a template: `plans[plan].params[index]`. */
interface Slot {
  plan: number;
  index: number;
  variable: string;
  type: ParamScalar;
}

/** Compiled statements whose bound values from variables are filled in per request. */
export interface PlanTemplate {
  plans: RootPlan[];
  slots: Slot[];
}

const variablesIn = (value: ValueNode, out: Set<string>): Set<string> => {
  visit(value, { Variable: (node) => void out.add(node.name.value) });
  return out;
};

const scalarOf = (type: TypeNode): ParamScalar | undefined => {
  const named = type.kind === Kind.NON_NULL_TYPE ? type.type : type;
  return named.kind === Kind.NAMED_TYPE ? scalarTypes[named.name.value] : undefined;
};

/**
 * The variables of `operation` a compiled plan may take as bound values: of
 * type Int, Float, String, ID or DateTime (not lists), and used only inside
 * `where` arguments, where a value is only ever compared (a page size, cursor,
 * ordering or directive argument shapes the statement, and `take` has a limit).
 */
export function templateVariables(document: DocumentNode, operation: OperationDefinitionNode): Map<string, ParamScalar> {
  const elsewhere = new Set<string>();
  const inWhere = new Set<string>();
  const argument = (node: ArgumentNode) => variablesIn(node.value, node.name.value === 'where' ? inWhere : elsewhere);
  visit(document, {
    Field: (node) => void node.arguments?.forEach(argument),
    Directive: (node) => void node.arguments?.forEach((a) => variablesIn(a.value, elsewhere)),
    VariableDefinition: () => false,
  });
  const out = new Map<string, ParamScalar>();
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = scalarOf(definition.type);
    if (type && inWhere.has(name) && !elsewhere.has(name)) out.set(name, type);
  }
  return out;
}

/** Two sets of stand-in values, unlike any real value and unlike each other, for the variables `vars`. */
export function standIns(vars: Map<string, ParamScalar>): [Record<string, unknown>, Record<string, unknown>] {
  const sets: [Record<string, unknown>, Record<string, unknown>] = [{}, {}];
  let n = 0;
  const base = 1_100_000_000 + Math.floor(Math.random() * 900_000_000);
  for (const [name, type] of vars) {
    for (const [round, set] of sets.entries()) {
      const k = base + 2 * n + round;
      set[name] =
        type === 'String' ? `\u0001strata-stand-in-${k}\u0001` : type === 'DateTime' ? new Date(Date.UTC(2900, 0, 1) + k).toISOString() : type === 'Float' ? k + 0.5 : k;
    }
    n += 1;
  }
  return sets;
}

const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  return false;
};

/**
 * The template of two compilations of the same operation that differ only in
 * the stand-in values of `vars` (coerced as `coerced`): every bound value equal
 * to a variable's stand-in in both becomes that variable's slot; everything
 * else — statement texts, every other bound value — must be identical, and
 * every variable must land in a slot, or there is no template (null): the
 * values then shape the statement, and each request compiles its own.
 */
export function templateOf(dialect: Dialect, vars: Map<string, ParamScalar>, compiled: [RootPlan[], RootPlan[]], coerced: [Record<string, unknown>, Record<string, unknown>]): PlanTemplate | null {
  const [a, b] = compiled;
  if (a.length !== b.length) return null;
  const slots: Slot[] = [];
  const used = new Set<string>();
  for (let p = 0; p < a.length; p++) {
    const x = a[p]!;
    const y = b[p]!;
    if (x.key !== y.key || 'value' in x !== 'value' in y) return null;
    if ('value' in x || 'value' in y) {
      if (!sameValue((x as { value: unknown }).value, (y as { value: unknown }).value)) return null;
      continue;
    }
    // A finishing step may hold values of the compilation it came from.
    if (x.finish || y.finish || x.sql !== y.sql || x.params.length !== y.params.length) return null;
    for (let i = 0; i < x.params.length; i++) {
      let slot: Slot | undefined;
      for (const [variable, type] of vars) {
        if (x.params[i] === scalarParam(dialect, type, coerced[0][variable]) && y.params[i] === scalarParam(dialect, type, coerced[1][variable])) {
          slot = { plan: p, index: i, variable, type };
          break;
        }
      }
      if (slot) {
        slots.push(slot);
        used.add(slot.variable);
      } else if (!sameValue(x.params[i], y.params[i])) return null;
    }
  }
  return used.size === vars.size ? { plans: a, slots } : null;
}

/** The template's statements with these (coerced) variable values bound. */
export function fillTemplate(dialect: Dialect, template: PlanTemplate, variables: Record<string, unknown>): RootPlan[] {
  const plans = template.plans.map((plan) => ('value' in plan ? plan : { ...plan, params: [...plan.params] }));
  for (const slot of template.slots) {
    (plans[slot.plan] as { params: unknown[] }).params[slot.index] = scalarParam(dialect, slot.type, variables[slot.variable]);
  }
  return plans;
}
