import type { SchemaFragment } from '../engine/prepare-schema.ts';
import { mentionsSync } from './sync-models.ts';

/** The model Strata adds for sync; a user schema must not define it. */
export const syncTableModels = ['StrataSyncChange'] as const;

/** The change log's table, as raw SQL names it. */
export const SYNC_TABLE = 'strata_sync_change';

/**
 * The change log of `/// @sync` models: one row per changed row per write,
 * inserted in the write's transaction (see `withSyncLog`). `txid` is the
 * writing transaction's id on PostgreSQL (null on SQLite), which orders the
 * log in commit-safe order (see `readChanges`). Added only to schemas with a
 * sync model.
 */
export const syncSchemaFragment: SchemaFragment = {
  label: "Strata's sync change log",
  models: syncTableModels,
  text: (content, provider) =>
    mentionsSync(content)
      ? `
/// @internal Strata sync: the change log of /// @sync models, written in each write's transaction.
model StrataSyncChange {
  seq       ${provider === 'postgresql' ? 'BigInt' : 'Int'} @id @default(autoincrement())
  model     String
  /// The changed row's id.
  rowKey    String
  deleted   Boolean
  /// The row as it was before the change (typed JSON), "null" for a create, NULL when unknown: decides who is sent a removal.
  before    String?
  /// pg_current_xact_id() of the writing transaction (PostgreSQL only).
  txid      BigInt?
  /// When it was written, in milliseconds since the epoch (retention).
  at        BigInt

  @@index([model, txid, seq])
  @@index([at])
  @@map("${SYNC_TABLE}")
}
`
      : '',
};
