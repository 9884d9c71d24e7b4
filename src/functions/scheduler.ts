import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { CronExpressionParser } from 'cron-parser';
import type { Logger } from 'pino';
import type { PrismaLike } from '../base/context.ts';
import { fromPrismaError } from '../base/errors.ts';
import { metrics } from '../metrics/metrics.ts';
import { type Clock, systemClock } from '../base/clock.ts';
import type { Schedule } from './define-schedule.ts';
import type { SystemContext } from './system-context.ts';

export interface SchedulerOptions {
  prisma: PrismaLike;
  /** Loaded schedules with their names resolved. */
  schedules: (Schedule & { name: string })[];
  context: () => Omit<SystemContext, 'signal'>;
  log: Logger;
  /** @default the system clock */
  clock?: Clock;
  /** Run ledger owner name. @default `<host>:<pid>:<random>` */
  id?: string;
  /** Longest timer between checks (clock jumps, sleeping machines). @default 60000 */
  maxWaitMs?: number;
  /** Ledger rows of ticks older than this are deleted (at most hourly); 0 keeps them. @default 0 */
  retentionMs?: number;
}

const DEFAULT_TIMEOUT_MS = 300_000;

/** The latest tick of `schedule` at or before `at`. */
export function latestTick(schedule: Pick<Schedule, 'cron' | 'timezone'>, at: Date): Date {
  return CronExpressionParser.parse(schedule.cron, { currentDate: new Date(at.getTime() + 1), tz: schedule.timezone ?? 'UTC' }).prev().toDate();
}

/** The first tick of `schedule` after `at`. */
export function nextTick(schedule: Pick<Schedule, 'cron' | 'timezone'>, at: Date): Date {
  return CronExpressionParser.parse(schedule.cron, { currentDate: at, tz: schedule.timezone ?? 'UTC' }).next().toDate();
}

/**
 * Runs scheduled functions once per tick across any number of instances:
 * every instance wakes at the tick, and the one whose insert of the
 * `(schedule, tick)` row succeeds runs it; the others see the conflict and
 * skip. A run that crashes its process is not retried (at most once per tick).
 */
export class Scheduler {
  readonly id: string;
  private readonly clock: Clock;
  private readonly seen = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private active = false;
  private lastPrune = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.id = options.id ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.clock = options.clock ?? systemClock;
    // Ticks before start-up are not caught up.
    const now = this.clock.now().getTime();
    for (const schedule of options.schedules) this.seen.set(schedule.name, now);
  }

  /**
   * Runs every schedule whose latest tick at `now` is newer than the last one
   * this instance considered, if this instance wins the tick. Returns the
   * names it ran; resolves when those runs finished.
   */
  async tick(now: Date = this.clock.now()): Promise<string[]> {
    const ran: string[] = [];
    await Promise.all(
      this.options.schedules.map(async (schedule) => {
        const due = latestTick(schedule, now);
        if (due.getTime() <= (this.seen.get(schedule.name) ?? 0)) return;
        this.seen.set(schedule.name, due.getTime());
        if (!(await this.claim(schedule.name, due))) return;
        ran.push(schedule.name);
        const run = this.run(schedule, due);
        this.running.add(run);
        await run.finally(() => this.running.delete(run));
      }),
    );
    return ran;
  }

  /** Starts waking at every tick until {@link stop}. */
  start(): void {
    if (this.active || this.options.schedules.length === 0) return;
    this.active = true;
    this.arm();
  }

  /** Stops the timer, aborts running schedules' signals and waits for them (at most 10 s). */
  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    this.stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, 10_000)));
    await Promise.race([Promise.allSettled([...this.running]), grace]);
    clearTimeout(timer);
  }

  private arm(): void {
    if (!this.active) return;
    const now = this.clock.now();
    const next = Math.min(...this.options.schedules.map((s) => nextTick(s, now).getTime()));
    const wait = Math.max(0, Math.min(next - now.getTime(), this.options.maxWaitMs ?? 60_000));
    this.timer = setTimeout(() => {
      void this.prune()
        .then(() => this.tick())
        .catch((error) => this.options.log.error({ err: error }, 'scheduler: checking schedules failed'))
        .finally(() => this.arm());
    }, wait);
  }

  /** Deletes ledger rows older than the retention, at most once an hour; returns how many. */
  async prune(now: Date = this.clock.now()): Promise<number> {
    const { retentionMs = 0, prisma } = this.options;
    if (retentionMs <= 0 || now.getTime() - this.lastPrune < 3_600_000) return 0;
    this.lastPrune = now.getTime();
    const names = this.options.schedules.map((s) => s.name);
    return (await prisma.strataScheduleRun.deleteMany({ where: { name: { in: names }, tick: { lt: new Date(now.getTime() - retentionMs) } } })).count;
  }

  /** Inserts the tick's ledger row; false when another instance already did. */
  private async claim(name: string, tick: Date): Promise<boolean> {
    try {
      await this.options.prisma.strataScheduleRun.create({ data: { name, tick, owner: this.id, startedAt: this.clock.now() } });
      return true;
    } catch (error) {
      if (fromPrismaError(error)?.code === 'CONFLICT') return false;
      throw error;
    }
  }

  private async run(schedule: Schedule & { name: string }, tick: Date): Promise<void> {
    const { prisma, log } = this.options;
    const controller = new AbortController();
    const abort = () => controller.abort();
    this.stopping.signal.addEventListener('abort', abort);
    const timeoutMs = schedule.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const startedAt = this.clock.now().getTime();
    let timer: NodeJS.Timeout | undefined;
    let error: string | null = null;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new Error(`did not finish within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      await Promise.race([Promise.resolve().then(() => schedule.run({ ...this.options.context(), signal: controller.signal, tick })), timeout]);
    } catch (err) {
      error = 'the run failed (details in the server log)';
      log.error({ err, schedule: schedule.name, tick }, 'scheduled function failed');
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', abort);
    }
    metrics.scheduleRun(schedule.name, error ? 'failed' : 'ok', (startedAt - tick.getTime()) / 1000);
    await prisma.strataScheduleRun
      .update({ where: { name_tick: { name: schedule.name, tick } }, data: { finishedAt: this.clock.now(), error } })
      .catch((err: unknown) => log.error({ err, schedule: schedule.name }, 'scheduler: recording a run failed'));
  }
}
