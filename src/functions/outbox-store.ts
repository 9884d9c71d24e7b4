import type { PrismaLike } from '../base/context.ts';

/** A `StrataOutbox` row as the worker reads it. */
export interface OutboxRecord {
  id: string;
  trigger: string;
  model: string;
  kind: string;
  payload: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  maxAttempts: number;
  availableAt: Date;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const unleased = (now: Date) => ({ OR: [{ leaseUntil: null }, { leaseUntil: { lte: now } }] });

/**
 * The outbox table's state changes. Every change is a conditional update
 * (compare-and-set on status, attempts and lease), so any number of workers
 * on any number of instances share one outbox without double claims, on
 * SQLite and PostgreSQL alike.
 */
export class OutboxStore {
  constructor(private readonly prisma: PrismaLike) {}

  private get table() {
    return this.prisma.strataOutbox;
  }

  /** Pending events due at `now` whose lease is free or expired, oldest first. */
  due(now: Date, take: number): Promise<OutboxRecord[]> {
    return this.table.findMany({
      where: { status: 'pending', availableAt: { lte: now }, ...unleased(now) },
      orderBy: [{ availableAt: 'asc' }, { createdAt: 'asc' }],
      take,
    });
  }

  /** Takes the lease of `row` for `owner` and counts the attempt; false when another worker was faster. */
  async claim(row: OutboxRecord, owner: string, now: Date, leaseUntil: Date): Promise<boolean> {
    const won = await this.table.updateMany({
      where: { id: row.id, status: 'pending', attempts: row.attempts, ...unleased(now) },
      data: { leaseOwner: owner, leaseUntil, attempts: { increment: 1 } },
    });
    return won.count === 1;
  }

  /**
   * Moves the lease of a running delivery to `leaseUntil`; false when `owner`
   * lost it (another worker claimed the event after the lease expired, or it
   * was settled meanwhile).
   */
  async extendLease(row: Pick<OutboxRecord, 'id' | 'attempts'>, owner: string, leaseUntil: Date): Promise<boolean> {
    const kept = await this.table.updateMany({
      where: { id: row.id, status: 'pending', attempts: row.attempts, leaseOwner: owner },
      data: { leaseUntil },
    });
    return kept.count === 1;
  }

  /** Marks a delivered event, unless it was already settled. */
  async delivered(id: string, now: Date): Promise<void> {
    await this.table.updateMany({
      where: { id, status: 'pending' },
      data: { status: 'delivered', finishedAt: now, leaseOwner: null, leaseUntil: null, lastError: null },
    });
  }

  /** Schedules the next attempt, if `owner` still holds the lease. */
  async retryAt(id: string, owner: string, availableAt: Date, lastError: string): Promise<void> {
    await this.table.updateMany({
      where: { id, status: 'pending', leaseOwner: owner },
      data: { availableAt, lastError, leaseOwner: null, leaseUntil: null },
    });
  }

  /** Dead-letters an event; with `owner`, only if it still holds the lease, else only if `attempts` still matches. */
  async dead(id: string, now: Date, lastError: string, guard: { owner: string } | { attempts: number }): Promise<boolean> {
    const where = 'owner' in guard ? { leaseOwner: guard.owner } : { attempts: guard.attempts, ...unleased(now) };
    const done = await this.table.updateMany({
      where: { id, status: 'pending', ...where },
      data: { status: 'dead', lastError, finishedAt: now, leaseOwner: null, leaseUntil: null },
    });
    return done.count === 1;
  }

  /** Dead letters, newest first. */
  deadLetters(options: { trigger?: string | null; take: number; skip: number }): Promise<OutboxRecord[]> {
    return this.table.findMany({
      where: { status: 'dead', ...(options.trigger ? { trigger: options.trigger } : {}) },
      orderBy: [{ finishedAt: 'desc' }, { id: 'asc' }],
      take: options.take,
      skip: options.skip,
    });
  }

  /** Puts a dead letter back in the queue with a fresh attempt budget; null when there is no such dead letter. */
  async requeue(id: string, now: Date): Promise<OutboxRecord | null> {
    const done = await this.table.updateMany({
      where: { id, status: 'dead' },
      data: { status: 'pending', attempts: 0, availableAt: now, finishedAt: null, leaseOwner: null, leaseUntil: null },
    });
    return done.count === 1 ? this.table.findUnique({ where: { id } }) : null;
  }

  /** Deletes one dead letter for good; returns it, or null when there is no such dead letter. */
  async discard(id: string): Promise<OutboxRecord | null> {
    const row = await this.table.findUnique({ where: { id } });
    if (row?.status !== 'dead') return null;
    const done = await this.table.deleteMany({ where: { id, status: 'dead' } });
    return done.count === 1 ? row : null;
  }

  /** Deletes delivered events finished before `before`; returns how many. Dead letters stay until retried or removed by hand. */
  async pruneDelivered(before: Date): Promise<number> {
    return (await this.table.deleteMany({ where: { status: 'delivered', finishedAt: { lt: before } } })).count;
  }

  /** Counts by status (admin overview, tests). */
  async counts(): Promise<Record<'pending' | 'delivered' | 'dead', number>> {
    const groups: { status: string; _count: { _all: number } }[] = await this.table.groupBy({ by: ['status'], _count: { _all: true } });
    const out = { pending: 0, delivered: 0, dead: 0 };
    for (const g of groups) out[g.status as keyof typeof out] = g._count._all;
    return out;
  }
}
