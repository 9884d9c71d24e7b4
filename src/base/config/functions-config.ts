import type { Readers } from './readers.ts';

/** Custom logic: trigger delivery, schedules, REST (see docs/custom-logic.md). */
export interface FunctionsConfig {
  /** Run the trigger delivery worker and the scheduler in this process (`STRATA_WORKER`); turn off on API-only instances. @default true */
  worker: boolean;
  /** Trigger deliveries running at once per instance (`STRATA_WORKER_CONCURRENCY`). @default 4 */
  workerConcurrency: number;
  /** Longest wait between outbox polls; commits in this process wake the worker at once (`STRATA_WORKER_POLL_MS`). @default 1000 */
  workerPollMs: number;
  /** How long a claimed event belongs to its worker; a crashed worker's events are delivered again after it (`STRATA_WORKER_LEASE_MS`). @default 60000 */
  leaseMs: number;
  /** Delivered trigger events and schedule ledger rows older than this are deleted; 0 keeps them (`STRATA_OUTBOX_RETENTION_DAYS`). @default 7 days */
  retentionMs: number;
  /** Serve the API as REST under /rest, with /rest/openapi.json (`STRATA_REST`). @default true */
  rest: boolean;
  /** `APP_*` environment variables, for app code (webhook URLs and secrets...), which must not read the environment itself. @default {} */
  appEnv: Record<string, string>;
}

/** The `functions` section; `APP_*` variables pass through to app code. */
export function readFunctionsConfig({ env, int, bool }: Readers): FunctionsConfig {
  return {
    worker: bool('STRATA_WORKER', true),
    workerConcurrency: int('STRATA_WORKER_CONCURRENCY', 4, 1),
    workerPollMs: int('STRATA_WORKER_POLL_MS', 1000, 10),
    leaseMs: int('STRATA_WORKER_LEASE_MS', 60_000, 1000),
    retentionMs: int('STRATA_OUTBOX_RETENTION_DAYS', 7, 0) * 86_400_000,
    rest: bool('STRATA_REST', true),
    appEnv: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('APP_') && e[1] !== undefined)),
  };
}
