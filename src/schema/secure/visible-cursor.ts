import type { Context } from '../../base/context.ts';
import type { Where } from '../../permissions/policy.ts';
import { and } from '../../permissions/policy.ts';
import type { DmmfModel } from '../../base/datamodel.ts';
import { delegateName, idFields } from '../../base/datamodel.ts';
import { plainUnique } from '../../base/datamodel.ts';

/**
 * Whether the row a root cursor names is one the viewer may read (`read` is
 * the model's row rule for the viewer).
 *
 * Prisma looks a root list's cursor row up in the whole table, ignoring the
 * list's `where`: a cursor at a hidden row would position the page by the
 * hidden row's values, while a cursor at a missing row returns no rows. Its
 * cursor takes only column equalities, so a rule (OR, relations) cannot be
 * folded into it; the caller asks here first and answers a hidden cursor
 * exactly like a missing one. The lookup only runs when the rule limits
 * rows; admins, the service viewer and models everyone reads pay nothing.
 *
 * Nested to-many lists need no lookup: Prisma resolves a nested cursor among
 * the related rows that pass the nested `where`, which already holds the read
 * rule, so a hidden cursor row there is already a missing one (held by
 * test/permissions/side-channels.test.ts on both databases).
 */
export async function isCursorVisible(ctx: Context, model: DmmfModel, read: Where, cursor: Where): Promise<boolean> {
  if (Object.keys(read).length === 0) return true;
  const id = idFields(model)[0];
  const row = await ctx.prisma[delegateName(model.name)].findFirst({ where: and(plainUnique(model, cursor), read), select: { [id]: true } });
  return row != null;
}
