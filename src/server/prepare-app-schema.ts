import { authSchemaFragment } from '../auth/users/auth-tables.ts';
import { type Config, providerOf } from '../base/config.ts';
import { type PreparedSchema, prepareSchema } from '../engine/prepare-schema.ts';
import { functionSchemaFragment } from '../functions/internal-tables.ts';
import { fileVersionSchemaFragment } from '../storage/file-versions-table.ts';
import { syncSchemaFragment } from '../sync/sync-table.ts';

/**
 * The user's schema with Strata's own tables: the auth tables when
 * `authUserModel` can hold accounts, the trigger and schedule tables, and
 * the file version table when there is a file model.
 */
export function prepareAppSchema(source: string, provider?: 'sqlite' | 'postgresql', authUserModel = 'User'): PreparedSchema {
  return prepareSchema(source, provider, [authSchemaFragment(authUserModel), functionSchemaFragment, fileVersionSchemaFragment, syncSchemaFragment]);
}

/**
 * The configured schema prepared as every command needs it: for the
 * database in `DATABASE_URL` (or, with `declared`, for the schema's own
 * provider, as the committed schema.graphql is), with Strata's tables.
 */
export function prepareConfigured(config: Config, declared = false): PreparedSchema {
  return prepareAppSchema(config.schemaPath, declared ? undefined : providerOf(config.databaseUrl), config.auth.userModel);
}
