/**
 * An `orderBy` with every direction reversed: how Prisma reads a negative
 * `take`, and how a connection reads `last`/`before`. `visit` sees each
 * object on the way (a caller may refuse a shape it cannot reverse).
 */
export function flipOrderBy(order: unknown, visit?: (node: object) => void): unknown {
  if (order === 'asc') return 'desc';
  if (order === 'desc') return 'asc';
  if (Array.isArray(order)) return order.map((item) => flipOrderBy(item, visit));
  if (order && typeof order === 'object') {
    visit?.(order);
    return Object.fromEntries(Object.entries(order).map(([k, v]) => [k, flipOrderBy(v, visit)]));
  }
  return order;
}
