/** Why a migration command refused to go on. */
export type MigrationErrorCode =
  /** The migration name has characters outside `[A-Za-z0-9_-]`. */
  | 'INVALID_NAME'
  /** The migrations folder was written for another database family. */
  | 'PROVIDER_MISMATCH'
  /** The database holds schema its migration history does not explain. */
  | 'DRIFT'
  /** The change would lose data and was not accepted. */
  | 'DATA_LOSS'
  /** The change cannot run on the current data (e.g. a required column without default on a non-empty table). */
  | 'UNEXECUTABLE';

/** A migration or push refused, with the engine's messages in `details`. Nothing was changed. */
export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    readonly details: string[] = [],
  ) {
    super(details.length ? `${message}\n${details.map((d) => `  - ${d}`).join('\n')}` : message);
    this.name = 'MigrationError';
  }
}
