import type { Logger } from 'pino';
import type { Config } from '../base/config.ts';
import type { PrismaLike } from '../base/context.ts';
import type { Scheduler } from '../functions/scheduler.ts';
import { createBackupSchedule } from './backup-schedule.ts';
import { openBackupStore, type OpenedBackupStore } from './open-backup-store.ts';

/** The server's automatic backups. */
export interface Backups {
  /** The bucket, null when no S3 is configured. */
  store: OpenedBackupStore | null;
  /** The schedule, null when `STRATA_BACKUP_SCHEDULE` is not set or there is no bucket. */
  scheduler: Scheduler | null;
  /** Starts the schedule (what `strata start`/`dev` call on worker instances). */
  start(): void;
  close(): Promise<void>;
}

/** Builds the automatic backups of a server from its config. */
export async function createBackups(config: Config, prisma: PrismaLike, log: Logger): Promise<Backups> {
  const store = config.backup.schedule ? await openBackupStore(config) : null;
  if (config.backup.schedule && !store) log.error('STRATA_BACKUP_SCHEDULE is set but no S3 is configured (S3_BUCKET, S3_ENDPOINT): automatic backups are off');
  const scheduler = store ? createBackupSchedule({ config, prisma, store: store.store, log: log.child({ component: 'backup' }) }) : null;
  return {
    store,
    scheduler,
    start: () => {
      if (config.functions.worker) scheduler?.start();
    },
    close: async () => {
      await scheduler?.stop();
      await store?.close();
    },
  };
}
