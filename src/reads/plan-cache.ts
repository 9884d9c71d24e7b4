import type { DocumentNode } from 'graphql';

/**
 * Compiled plans by document (yoga parses each distinct query text once and
 * hands the same document back), operation, viewer and variables, the least
 * recently used evicted first. A plan depends on nothing else: rules are
 * functions of the viewer, and the datamodel and rules are fixed while the
 * server runs. Declines are cached too (`null`).
 */
export class PlanCache<Plan> {
  private readonly ids = new WeakMap<DocumentNode, number>();
  private readonly plans = new Map<string, Plan | null>();
  private nextId = 0;

  constructor(private readonly capacity: number) {}

  /** The cache key of a document and the rest of what decides its plan. */
  key(document: DocumentNode, rest: string): string {
    let id = this.ids.get(document);
    if (id === undefined) this.ids.set(document, (id = this.nextId++));
    return `${id}\0${rest}`;
  }

  get(key: string): Plan | null | undefined {
    const plan = this.plans.get(key);
    if (plan !== undefined) {
      this.plans.delete(key);
      this.plans.set(key, plan);
    }
    return plan;
  }

  set(key: string, plan: Plan | null): void {
    this.plans.delete(key);
    this.plans.set(key, plan);
    if (this.plans.size > this.capacity) this.plans.delete(this.plans.keys().next().value!);
  }
}
