type Args = Record<string, unknown>;

const isObject = (value: unknown): value is Args => typeof value === 'object' && value !== null;

/** Whether an `orderBy` sorts by the `_count` of a to-many relation (`{ comments: { _count: 'desc' } }`). */
function ordersByCount(orderBy: unknown): boolean {
  return (Array.isArray(orderBy) ? orderBy : [orderBy]).some((entry) => isObject(entry) && Object.values(entry).some((v) => isObject(v) && '_count' in v));
}

/** Whether a nested list of a read (at any depth below the root) is ordered by a relation count. */
export function hasNestedCountOrder(args: unknown, nested = false): boolean {
  if (!isObject(args)) return false;
  if (nested && ordersByCount(args.orderBy)) return true;
  for (const key of ['include', 'select']) {
    const children = args[key];
    if (!isObject(children)) continue;
    for (const [name, child] of Object.entries(children)) if (name !== '_count' && hasNestedCountOrder(child, true)) return true;
  }
  return false;
}

interface Extendable {
  $extends(extension: object): unknown;
}

/**
 * Prisma's `relationJoins` (Prisma 7.10, PostgreSQL) builds invalid SQL,
 * "column t3.id does not exist", for a nested list ordered by the `_count`
 * of one of its own to-many relations. Those reads are sent with
 * `relationLoadStrategy: 'query'` (one statement per level) instead; every
 * other read keeps its single joined statement.
 */
export function withNestedCountOrderFix<T extends Extendable>(client: T): T {
  return client.$extends({
    query: {
      $allModels: {
        $allOperations({ operation, args, query }: { operation: string; args: Args | undefined; query: (args: unknown) => Promise<unknown> }) {
          const fallback = operation.startsWith('find') && args && !('relationLoadStrategy' in args) && hasNestedCountOrder(args);
          return query(fallback ? { ...args, relationLoadStrategy: 'query' } : args);
        },
      },
    },
  }) as T;
}
