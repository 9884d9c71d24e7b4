import type { Logger } from 'pino';
import type { Config } from '../base/config.ts';
import type { PrismaLike } from '../base/context.ts';
import { Scheduler } from '../functions/scheduler.ts';
import type { Clock } from '../base/clock.ts';
import type { BackupStore } from './backup-store.ts';
import { createBackup } from './create-backup.ts';

/** Name of the backup schedule in the schedule run ledger. */
export const BACKUP_SCHEDULE_NAME = 'strata:backup';

export interface BackupScheduleOptions {
  config: Pick<Config, 'databaseUrl' | 'backup' | 'functions'>;
  prisma: PrismaLike;
  store: BackupStore;
  log: Logger;
  /** @default the system clock */
  clock?: Clock;
}

/**
 * Automatic backups at every tick of `STRATA_BACKUP_SCHEDULE`, keeping the
 * newest `STRATA_BACKUP_KEEP`. It is a schedule like the app's own: one
 * ledger row per tick, so of many instances exactly one takes each backup.
 * Returns null when no schedule is configured.
 */
export function createBackupSchedule({ config, prisma, store, log, clock }: BackupScheduleOptions): Scheduler | null {
  const cron = config.backup.schedule;
  if (!cron) return null;
  const keep = config.backup.keep;
  return new Scheduler({
    prisma,
    log,
    clock,
    retentionMs: config.functions.retentionMs,
    context: () => ({ prisma, log, config: config as Config, write: (() => Promise.reject(new Error('backups do not write'))) as never }),
    schedules: [
      {
        name: BACKUP_SCHEDULE_NAME,
        cron,
        timezone: 'UTC',
        // A large database takes a while to dump and upload.
        timeoutMs: 6 * 3_600_000,
        run: async () => {
          const started = Date.now();
          const backup = await createBackup({ databaseUrl: config.databaseUrl, target: { store }, now: clock ? () => clock.now() : undefined });
          const deleted = await store.prune(keep);
          log.info({ backup: backup.name, bytes: backup.size, durationMs: Date.now() - started, deleted: deleted.map((m) => m.name) }, 'backup written');
        },
      },
    ],
  });
}
