import type { PrismaLike } from '../../base/context.ts';
import { type DmmfModel, delegateName, relationFields } from '../../base/datamodel.ts';

type Row = Record<string, unknown>;

/**
 * Builds a `node` for a row the subscription never sent but must announce as
 * leaving or deleted: its scalars as they were, to-one relations the row
 * points to (loaded with the selection's sub-query), and nothing for
 * relations pointing at it — a deleted row has no children left, and a row
 * leaving the view is only there to be removed. Null when a required to-one
 * target is gone too (no valid node can be built).
 */
export function createRemovedNode(model: DmmfModel, prisma: PrismaLike, query: Record<string, unknown>): (row: Row) => Promise<Row | null> {
  const selection = (query.include ?? query.select ?? {}) as Record<string, unknown>;
  const relations = relationFields(model).filter((f) => selection[f.name]);
  const counts = (selection._count as { select?: Record<string, unknown> } | undefined)?.select;
  return async (row) => {
    const node: Row = { ...row };
    for (const field of relations) {
      const sub = selection[field.name];
      const from = field.relationFromFields ?? [];
      if (field.isList) node[field.name] = [];
      else if (from.length === 0 || from.some((column) => row[column] == null)) node[field.name] = null;
      else {
        const to = (field as { relationToFields?: string[] }).relationToFields ?? [];
        const found = await prisma[delegateName(field.type)].findFirst({
          ...(typeof sub === 'object' ? sub : {}),
          where: Object.fromEntries(to.map((column, i) => [column, row[from[i]]])),
        });
        if (!found && field.isRequired) return null;
        node[field.name] = found;
      }
    }
    if (counts) node._count = Object.fromEntries(Object.keys(counts).map((name) => [name, 0]));
    return node;
  };
}
