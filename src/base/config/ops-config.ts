import { CronExpressionParser } from 'cron-parser';
import type { Readers } from './readers.ts';

/** Backups of the database to the S3 bucket (see docs/operations.md). */
export interface BackupConfig {
  /** Cron expression (UTC) of automatic backups run by the server (`STRATA_BACKUP_SCHEDULE`), e.g. `0 3 * * *`; null turns them off. @default null */
  schedule: string | null;
  /** Good backups kept in the bucket; older ones are deleted after each new one (`STRATA_BACKUP_KEEP`). @default 7 */
  keep: number;
  /** Key prefix of backups inside the storage bucket, after `S3_KEY_PREFIX` (`STRATA_BACKUP_PREFIX`). @default backups/ */
  prefix: string;
  /** Bucket holding backups (`STRATA_BACKUP_BUCKET`), to keep them apart from uploads. @default S3_BUCKET */
  bucket: string | null;
}

/** The Prometheus endpoint and tracing (see docs/operations.md). */
export interface MonitoringConfig {
  /** Serve Prometheus metrics at {@link path} (`STRATA_METRICS`). @default on outside production, and in production when a token is set */
  metrics: boolean;
  /** Bearer token that may read the metrics (`STRATA_METRICS_TOKEN`); the admin secret header is accepted too. @default null */
  metricsToken: string | null;
  /** Path of the metrics endpoint (`STRATA_METRICS_PATH`). @default /metrics */
  path: string;
  /** OTLP/HTTP endpoint spans are exported to (`OTEL_EXPORTER_OTLP_ENDPOINT`); null leaves tracing off. @default null */
  otlpEndpoint: string | null;
  /** `service.name` of exported spans (`OTEL_SERVICE_NAME`). @default strata */
  serviceName: string;
}

/** The `backup` section: the schedule must parse and the prefix be path segments. */
export function readBackupConfig({ env, int, problems }: Readers): BackupConfig {
  const schedule = env.STRATA_BACKUP_SCHEDULE?.trim() || null;
  if (schedule) {
    try {
      CronExpressionParser.parse(schedule, { tz: 'UTC' });
    } catch {
      problems.push(`STRATA_BACKUP_SCHEDULE must be a cron expression such as "0 3 * * *", got "${schedule}"`);
    }
  }
  const prefix = env.STRATA_BACKUP_PREFIX ?? 'backups/';
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/.test(prefix)) problems.push(`STRATA_BACKUP_PREFIX must be path segments ending in "/", got "${prefix}"`);
  const bucket = env.STRATA_BACKUP_BUCKET || null;
  if (bucket && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`STRATA_BACKUP_BUCKET must be a valid bucket name, got "${bucket}"`);
  return { schedule, keep: int('STRATA_BACKUP_KEEP', 7, 1), prefix, bucket };
}

/** The `monitoring` section; in production metrics stay off unless asked for or protected by a token. */
export function readMonitoringConfig({ env, mode, bool, problems }: Readers): MonitoringConfig {
  const metricsToken = env.STRATA_METRICS_TOKEN || null;
  if (metricsToken !== null && metricsToken.length < 16) problems.push('STRATA_METRICS_TOKEN must be at least 16 characters');
  const path = env.STRATA_METRICS_PATH || '/metrics';
  if (!/^\/[A-Za-z0-9._/-]*$/.test(path)) problems.push(`STRATA_METRICS_PATH must be a path starting with "/", got "${path}"`);
  const otlpEndpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '') || null;
  if (otlpEndpoint && !/^https?:\/\/[^/]/.test(otlpEndpoint)) problems.push(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, got "${otlpEndpoint}"`);
  return {
    metrics: bool('STRATA_METRICS', mode !== 'production' || metricsToken !== null),
    metricsToken,
    path,
    otlpEndpoint,
    serviceName: env.OTEL_SERVICE_NAME || 'strata',
  };
}
