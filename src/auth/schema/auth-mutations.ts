import { assertStorableValues } from '../../base/check-input-values.ts';
import type { Context } from '../../base/context.ts';
import { confirmEmailChange, requestEmailChange } from '../flows/email-change-flows.ts';
import { changePassword, signIn, signUp } from '../flows/password-flows.ts';
import { requestEmailVerification, requestPasswordReset, resetPassword, verifyEmail } from '../flows/recovery-flows.ts';
import { revokeSession, type SessionGrant, signOut, signOutEverywhere } from '../flows/session-flows.ts';
import { anonymous } from '../../base/viewer.ts';
import type { AuthTypes } from './define-auth-schema.ts';

type Resolve = (args: any, ctx: Context) => unknown;

/** The rest of the operation (the payload's `user`, later mutations) runs as the newly signed-in user. */
const signedInAs = (ctx: Context) => (grant: SessionGrant) => {
  ctx.viewer = grant.viewer;
  return grant;
};

/** The auth mutations (see docs/auth.md for each flow). */
export function defineAuthMutations(builder: any, { model, authPayload, signUpPayload, runtime }: AuthTypes): void {
  builder.mutationFields((t: any) => {
    const str = (description?: string) => t.arg.string({ required: true, description });
    const field = (type: unknown, access: 'public' | 'authenticated', description: string, args: object, resolve: Resolve) =>
      t.field({ type, description, args, extensions: { access }, resolve: (_root: unknown, a: any, ctx: Context) => {
        // An email or password holding a NUL would be refused by PostgreSQL only: refuse it on both, naming the argument.
        assertStorableValues(a);
        return resolve(a, ctx);
      } });
    const fields: Record<string, unknown> = {
      signUp: field(
        signUpPayload,
        'public',
        'Creates an account (never an admin) and mails a verification link; answers the same for an address that already has an account.',
        { email: str(), password: str('8 to 128 characters.'), name: t.arg.string() },
        (a, ctx) => signUp(runtime(), a, ctx.http),
      ),
      signIn: field(authPayload, 'public', 'Signs in with email and password.', { email: str(), password: str() }, (a, ctx) =>
        signIn(runtime(), a, ctx.http).then(signedInAs(ctx)),
      ),
      signOut: field('Boolean', 'public', 'Ends the current session.', {}, (_a, ctx) =>
        signOut(runtime(), ctx.viewer, ctx.http).finally(() => (ctx.viewer = anonymous)),
      ),
      signOutEverywhere: field('Int', 'authenticated', "Ends all of the viewer's sessions; returns how many.", {}, (_a, ctx) =>
        signOutEverywhere(runtime(), ctx.viewer, ctx.http).finally(() => (ctx.viewer = anonymous)),
      ),
      changePassword: field('Boolean', 'authenticated', 'Changes the password; every other session ends.', { current: str(), next: str() }, (a, ctx) =>
        changePassword(runtime(), ctx.viewer, a, ctx.http),
      ),
      revokeSession: field('Boolean', 'authenticated', 'Ends one of the viewer\'s sessions (id from viewerSessions).', { id: str() }, (a, ctx) =>
        revokeSession(runtime(), ctx.viewer, a.id, ctx.http),
      ),
      requestPasswordReset: field('Boolean', 'public', 'Mails a reset link if the address has an account; always true.', { email: str() }, (a, ctx) =>
        requestPasswordReset(runtime(), a.email, ctx.http),
      ),
      resetPassword: field('Boolean', 'public', 'Sets a new password with a mailed token; every session of the user ends.', { token: str(), newPassword: str() }, (a, ctx) =>
        resetPassword(runtime(), a, ctx.http),
      ),
      requestEmailChange: field(
        'Boolean',
        'authenticated',
        "Mails a confirmation link to the new address and a notice to the current one; always true, taken address or not. `password` is required when the account has one.",
        { newEmail: str(), password: t.arg.string() },
        (a, ctx) => requestEmailChange(runtime(), ctx.viewer, a, ctx.http),
      ),
      confirmEmailChange: field('Boolean', 'public', 'Sets the new address (verified) with the mailed token.', { token: str() }, (a) =>
        confirmEmailChange(runtime(), a.token),
      ),
    };
    if (model.hasEmailVerifiedAt) {
      fields.requestEmailVerification = field(
        'Boolean',
        'public',
        "Mails a new verification link to the viewer's address (or to `email` when signed out); always true.",
        { email: t.arg.string() },
        (a, ctx) => requestEmailVerification(runtime(), ctx.viewer, a.email, ctx.http),
      );
      fields.verifyEmail = field(authPayload, 'public', 'Confirms the address with a mailed token and signs in.', { token: str() }, (a, ctx) =>
        verifyEmail(runtime(), a.token, ctx.http).then(signedInAs(ctx)),
      );
    }
    return fields;
  });
}
