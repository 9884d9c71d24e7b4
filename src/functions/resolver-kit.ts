import { isAdmin } from '../base/viewer.ts';
import type { Context } from '../base/context.ts';
import { AppError } from '../base/errors.ts';
import { and } from '../permissions/policy.ts';
import type { Access } from '../permissions/shield.ts';
import { delegateName } from '../base/datamodel.ts';
import type { Generator } from '../schema/generator.ts';
import { writeAs } from '../writes/run-write.ts';
import type { ResolverKit } from './define-resolvers.ts';

/** Whether the viewer of `ctx` passes `access`. */
export function passes(ctx: Context, access: Access): boolean {
  if (access === 'public') return true;
  if (access === 'authenticated') return ctx.viewer.kind !== 'anonymous';
  if (access === 'admin') return isAdmin(ctx.viewer);
  return access(ctx);
}

/** The error for a viewer who does not pass: UNAUTHENTICATED when anonymous, else FORBIDDEN. */
export function refusal(ctx: Pick<Context, 'viewer'>): AppError {
  return ctx.viewer.kind === 'anonymous' ? new AppError('UNAUTHENTICATED', 'Sign in to do this') : new AppError('FORBIDDEN', 'Not allowed');
}

/** The helpers custom resolvers get, bound to the generated API. */
export function createResolverKit(gen: Generator): ResolverKit<any> {
  return {
    write: (ctx, work) => writeAs(gen, ctx)(work),
    readable: (ctx, model) => gen.policy(model).read(ctx),
    async findVisible(ctx, model, where, query = {}) {
      const read = gen.policy(model).read(ctx);
      const row = read && (await ctx.prisma[delegateName(model)].findFirst({ ...query, where: and(where as never, read) }));
      if (!row) throw new AppError('NOT_FOUND', `${model} not found`);
      return row;
    },
    authorize(ctx, access) {
      if (!passes(ctx, access)) throw refusal(ctx);
    },
    policy: (model) => gen.policy(model),
    isAdmin,
  };
}
