import type { Context } from '../base/context.ts';
import type { RootPlan } from './compile-operation.ts';

/**
 * Runs the statements of a compiled operation (root fields concurrently, as
 * graphql-js resolves query fields) and assembles `data` in response order.
 */
export async function runPlan(ctx: Context, plans: RootPlan[]): Promise<Record<string, unknown>> {
  const values = await Promise.all(
    plans.map(async (plan) => {
      if ('value' in plan) return plan.value;
      const rows = (await ctx.prisma.$queryRawUnsafe(plan.sql, ...plan.params)) as { j: string | null }[];
      const text = rows[0]?.j;
      const value = text == null ? null : JSON.parse(text);
      return plan.finish ? plan.finish(value) : value;
    }),
  );
  return Object.fromEntries(plans.map((plan, i) => [plan.key, values[i]]));
}
