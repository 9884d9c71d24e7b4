import type { GraphQLSchema } from 'graphql';
import { isObjectType } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { createRequire } from 'node:module';
import { isAdmin } from '../base/viewer.ts';
import type { Context } from '../base/context.ts';
import { AppError } from '../base/errors.ts';

// graphql-shield's ESM build imports `isUndefined` from node:util, which Node 23
// removed; its CommonJS build looks it up only inside logic rules, which are not
// used here, so loading that build keeps Strata running on every current Node.
const { allow, deny, rule, shield } = createRequire(import.meta.url)('graphql-shield') as typeof import('graphql-shield');

/**
 * Who may call a root field, declared in its `extensions.access`:
 * `'public'`, `'authenticated'`, `'admin'`, or a predicate on the context.
 */
export type Access = 'public' | 'authenticated' | 'admin' | ((ctx: Context) => boolean);

function toRule(access: Access) {
  if (access === 'public') return allow;
  const test =
    access === 'authenticated'
      ? (ctx: Context) => ctx.viewer.kind !== 'anonymous'
      : access === 'admin'
        ? (ctx: Context) => isAdmin(ctx.viewer)
        : access;
  return rule({ cache: 'contextual' })((_parent, _args, ctx: Context) => test(ctx));
}

const rootTypes = (schema: GraphQLSchema) =>
  [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => !!t);

/**
 * Compiles the operation layer into a graphql-shield rule tree: every root
 * field is denied unless it declares its access. Only root fields are
 * wrapped: row and field rules of nested objects are applied by the
 * resolvers as Prisma filters, so wide results pay no per-field middleware.
 * This module is the only one that knows graphql-shield.
 */
export function applyOperationRules(schema: GraphQLSchema): GraphQLSchema {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const type of rootTypes(schema)) {
    tree[type.name] = { '*': deny };
    for (const [name, field] of Object.entries(type.getFields())) {
      const access = field.extensions?.access as Access | undefined;
      if (access) tree[type.name][name] = toRule(access);
    }
  }
  const generator = shield(tree as never, {
    fallbackRule: deny,
    allowExternalErrors: true,
    fallbackError: (_error, _parent, _args, ctx) =>
      (ctx as unknown as Context).viewer.kind === 'anonymous'
        ? new AppError('UNAUTHENTICATED', 'Sign in to do this')
        : new AppError('FORBIDDEN', 'Not allowed'),
  });
  const roots = new Set(rootTypes(schema).map((t) => t.name));
  const generated = (generator as unknown as { generate(s: GraphQLSchema): Record<string, unknown> }).generate(schema);
  const onlyRoots = Object.fromEntries(Object.entries(generated).filter(([type]) => roots.has(type) && isObjectType(schema.getType(type))));
  return applyMiddleware(schema, onlyRoots as never);
}
