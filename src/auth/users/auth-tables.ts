import type { SchemaFragment } from '../../engine/prepare-schema.ts';
import { readDatamodel } from '../../base/datamodel.ts';
import { type AuthUserModel, inspectUserModel } from './user-model.ts';

/** Models Strata adds for auth; a user schema must not define them itself. */
export const authTableModels = ['StrataSession', 'StrataAuthToken', 'StrataOAuthAccount'] as const;

/**
 * The Prisma fragment appended to an auth-capable schema: sessions,
 * single-use tokens and OAuth links. All are `/// @internal` (never part of
 * the API) and hold the user's id as a plain column, so the user's model
 * needs no back-relation; rows of deleted users are ignored and removed.
 */
export function authTablesFragment(user: AuthUserModel): string {
  const id = user.idType;
  return `
/// @internal Strata auth: one row per session. \`id\` is the SHA-256 (hex) of the session token; the token is never stored.
model StrataSession {
  id           String   @id
  userId       ${id}
  createdAt    DateTime @default(now())
  /// Sliding expiry, pushed forward once half of the lifetime is used.
  expiresAt    DateTime
  /// Absolute cap: renewals never pass it.
  maxExpiresAt DateTime

  @@index([userId])
  @@map("strata_session")
}

/// @internal Strata auth: single-use tokens (email verification, password reset), stored as SHA-256 (hex).
model StrataAuthToken {
  id        String   @id
  kind      String
  userId    ${id}
  /// The address the token was mailed to; verification only counts while the user still has it.
  email     String
  createdAt DateTime @default(now())
  expiresAt DateTime

  @@index([userId, kind])
  @@map("strata_auth_token")
}

/// @internal Strata auth: OAuth identities linked to users.
model StrataOAuthAccount {
  provider  String
  /// The provider's stable user id (\`sub\`, GitHub's numeric id).
  subject   String
  userId    ${id}
  createdAt DateTime @default(now())

  @@id([provider, subject])
  @@index([userId])
  @@map("strata_oauth_account")
}
`;
}

/** Appends the auth tables when the schema's `userModel` can hold accounts (see docs/auth.md). */
export function authSchemaFragment(userModel: string): SchemaFragment {
  return {
    label: "Strata's auth tables",
    models: authTableModels,
    text(content, provider) {
      let datamodel;
      try {
        datamodel = readDatamodel(content, provider);
      } catch {
        return ''; // an invalid schema: generation reports Prisma's own message
      }
      const check = inspectUserModel(datamodel, userModel);
      return check.status === 'ok' ? authTablesFragment(check.model) : '';
    },
  };
}
