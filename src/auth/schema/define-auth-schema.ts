import type { Context } from '../../base/context.ts';
import type { Auth } from '../create-auth.ts';
import type { UserAuth } from '../auth-core.ts';
import { listSessions, type SessionGrant, type SessionInfo } from '../flows/session-flows.ts';
import type { SignUpResult } from '../flows/password-flows.ts';
import { type AuthUserModel, authManagedFields, inspectUserModel } from '../users/user-model.ts';
import type { DmmfEnum, DmmfModel } from '../../base/datamodel.ts';
import type { ChangeSink } from '../../base/change-event.ts';
import type { SchemaExtension } from '../../schema/schema-extension.ts';
import { defineAuthMutations } from './auth-mutations.ts';

export interface DefineAuthSchemaOptions {
  /** The running auth services; absent when only printing the SDL (resolvers are never called then). */
  auth?: Auth;
  /** The user model to look for when `auth` is absent. @default User */
  userModel?: string;
}

/** The GraphQL types auth adds, for the mutation and query definitions. */
export interface AuthTypes {
  model: AuthUserModel;
  authPayload: unknown;
  signUpPayload: unknown;
  /** The running services, or an error when there are none. */
  runtime(): UserAuth;
}

/**
 * Adds authentication to the API when the schema has an auth-capable user
 * model: `viewer`, `viewerSessions`, and the sign-up / sign-in / recovery
 * mutations. Each root field declares `extensions.access` for the operation
 * rules (`public` or `authenticated`).
 */
export function defineAuthSchema(builder: any, datamodel: { models: DmmfModel[]; enums: DmmfEnum[] }, options: DefineAuthSchemaOptions = {}): void {
  const checked = inspectUserModel(datamodel, options.userModel ?? 'User');
  const model = options.auth ? options.auth.user : checked.status === 'ok' ? checked.model : null;
  if (!model) return;
  const runtime = () => {
    if (!options.auth?.user) throw new Error('Auth resolvers need the auth services (createAuth)');
    return options.auth as UserAuth;
  };
  const delegate = (ctx: Context) => ctx.prisma[model.delegate];

  const authPayload = builder.objectRef('AuthPayload').implement({
    description: 'A new session. The token is shown once; on HTTP it is also set as an HttpOnly cookie.',
    fields: (t: any) => ({
      token: t.string({ description: 'Send as `Authorization: Bearer <token>`.', resolve: (g: SessionGrant) => g.token }),
      expiresAt: t.field({ type: 'DateTime', resolve: (g: SessionGrant) => g.expiresAt }),
      user: t.prismaField({
        type: model.name,
        resolve: (query: object, g: SessionGrant, _args: unknown, ctx: Context) =>
          delegate(ctx).findUniqueOrThrow({ ...query, where: { [model.idField]: g.userId } }),
      }),
    }),
  });
  const signUpPayload = builder.objectRef('SignUpPayload').implement({
    description: 'The answer to signUp, identical whether or not the address already had an account.',
    fields: (t: any) => ({
      message: t.string({ resolve: (r: SignUpResult) => r.message }),
      emailVerificationRequired: t.boolean({ resolve: (r: SignUpResult) => r.emailVerificationRequired }),
    }),
  });
  const viewerSession = builder.objectRef('ViewerSession').implement({
    description: "One of the viewer's sessions.",
    fields: (t: any) => ({
      id: t.string({ description: 'Public id of the session (a prefix of its hash), for revokeSession.', resolve: (s: SessionInfo) => s.id }),
      createdAt: t.field({ type: 'DateTime', resolve: (s: SessionInfo) => s.createdAt }),
      expiresAt: t.field({ type: 'DateTime', resolve: (s: SessionInfo) => s.expiresAt }),
      current: t.boolean({ description: 'True for the session of this request.', resolve: (s: SessionInfo) => s.current }),
    }),
  });

  builder.queryFields((t: any) => ({
    viewer: t.prismaField({
      type: model.name,
      nullable: true,
      description: 'The signed-in user, or null.',
      extensions: { access: 'public' },
      resolve: (query: object, _root: unknown, _args: unknown, ctx: Context) =>
        ctx.viewer.kind === 'user' ? delegate(ctx).findUnique({ ...query, where: { [model.idField]: ctx.viewer.id } }) : null,
    }),
    viewerSessions: t.field({
      type: [viewerSession],
      description: "The viewer's live sessions, newest first.",
      extensions: { access: 'authenticated' },
      resolve: (_root: unknown, _args: unknown, ctx: Context) => listSessions(runtime(), ctx.viewer),
    }),
  }));
  defineAuthMutations(builder, { model, authPayload, signUpPayload, runtime });
}

export interface AuthSchemaExtensionOptions extends DefineAuthSchemaOptions {
  /** Where auth's own writes publish their changes (with `auth`). */
  changes?: ChangeSink;
}

/**
 * Auth's part of the API: the auth fields (see {@link defineAuthSchema}),
 * the user model's auth-owned columns as managed fields (see
 * `authManagedFields`), and, with the running services, auth's writes
 * attached to the built write pipeline.
 */
export function authSchemaExtension(options: AuthSchemaExtensionOptions = {}): SchemaExtension {
  const { changes, ...schema } = options;
  return {
    name: 'auth',
    managedFields(datamodel) {
      const model = options.auth ? options.auth.user : ((checked) => (checked.status === 'ok' ? checked.model : null))(inspectUserModel(datamodel, options.userModel ?? 'User'));
      return model ? { [model.name]: authManagedFields(model) } : {};
    },
    define(gen) {
      defineAuthSchema(gen.builder, gen.datamodel, schema);
      if (options.auth && changes) options.auth.writes.attach(gen, () => changes);
    },
  };
}
