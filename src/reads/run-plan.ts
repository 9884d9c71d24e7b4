import type { RootPlan } from './compile-operation.ts';

/** Runs one statement and returns its rows (the database's `readRows`). */
export type ReadRows = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** The JSON text of each root field, in response order (statements run concurrently, as graphql-js resolves query fields). */
async function rootTexts(readRows: ReadRows, plans: RootPlan[]): Promise<string[]> {
  return Promise.all(
    plans.map(async (plan) => {
      if ('value' in plan) return JSON.stringify(plan.value);
      const rows = await readRows(plan.sql, plan.params);
      const text = (rows[0]?.j as string | null | undefined) ?? null;
      if (!plan.finish) return text ?? 'null';
      return JSON.stringify(plan.finish(text === null ? null : JSON.parse(text)));
    }),
  );
}

/** Runs a compiled operation and assembles `data` as objects (for the executor's result). */
export async function runPlan(readRows: ReadRows, plans: RootPlan[]): Promise<Record<string, unknown>> {
  const texts = await rootTexts(readRows, plans);
  return Object.fromEntries(plans.map((plan, i) => [plan.key, JSON.parse(texts[i]!)]));
}

/**
 * Runs a compiled operation and returns the response body `{"data":{...}}`
 * as texts to write one after the other: the JSON each statement built is
 * written as the database wrote it, never parsed and serialised again, nor
 * joined into one string (response keys are GraphQL names, which need no
 * escaping). Writing a large text as it came costs half of what joining
 * it to its envelope first costs (the joined string is copied, then encoded).
 */
export async function runPlanText(readRows: ReadRows, plans: RootPlan[]): Promise<string[]> {
  const texts = await rootTexts(readRows, plans);
  const parts: string[] = [];
  let glue = '{"data":{';
  for (let i = 0; i < plans.length; i++) {
    parts.push(`${glue}"${plans[i]!.key}":`, texts[i]!);
    glue = ',';
  }
  parts.push(plans.length ? '}}' : '{"data":{}}');
  return parts;
}
