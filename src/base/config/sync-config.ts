import type { Readers } from './readers.ts';

/** Offline-first sync of `/// @sync` models (see docs/offline.md). */
export interface SyncConfig {
  /**
   * How long, in seconds, the change log keeps a change (`STRATA_SYNC_RETENTION`).
   * A client whose checkpoint is older starts again from a full pull (a resync).
   * @default 2592000 (30 days)
   */
  retentionSeconds: number;
}

/** The `sync` section. */
export function readSyncConfig({ int }: Readers): SyncConfig {
  return { retentionSeconds: int('STRATA_SYNC_RETENTION', 2_592_000, 1) };
}
