import type { PrismaLike } from '../base/context.ts';
import { SYNC_TABLE } from './sync-table.ts';

/**
 * A position in one model's change log: every change at or before it was
 * handed out, except those of the `pending` transactions (PostgreSQL: still
 * running when the position was taken; their changes come with a later
 * read). Numbers are decimal strings (PostgreSQL ids are 64-bit).
 */
export interface LogPosition {
  seq: string;
  /** The writing transaction's id (PostgreSQL). */
  txid?: string;
  /** Transactions with smaller ids that had not ended (PostgreSQL). */
  pending?: string[];
}

/** One logged change: a row of `model` was written (or deleted) by a committed transaction. */
export interface LogEntry {
  seq: string;
  txid?: string;
  rowKey: string;
  deleted: boolean;
  /** The row before the change, typed JSON (`encodeValue`): `"null"` for a create, null when unknown. */
  before: string | null;
}

/** What a write appends: one changed row. `before` as in {@link LogEntry}; omitted means unknown. */
export interface LogChange {
  model: string;
  rowKey: string;
  deleted: boolean;
  before?: string | null;
}

export interface LogPage {
  entries: LogEntry[];
  /** The position after every entry of the page. */
  next: LogPosition;
  /** Whether the log may hold more changes after `next` (the page was full). */
  more: boolean;
}

/** Rows per INSERT (well under the 65,535 parameters of a statement). */
const CHUNK = 2_000;

interface Snapshot {
  xmax: bigint;
  running: Set<string>;
}

/** Decimal digits only: transaction ids are inlined into statements. */
const isId = (value: string) => /^\d{1,20}$/.test(value);

/**
 * The sync change log: written inside each write's transaction, read in an
 * order that never skips a change.
 *
 * SQLite runs one writing transaction at a time, so `seq` (AUTOINCREMENT,
 * taken inside the transaction) grows in commit order: reading `seq > n`
 * never misses a change that commits later.
 *
 * PostgreSQL runs writers concurrently: a transaction may take seq 10 and
 * commit after another took 11 and committed; a reader that saw 11 and moved
 * its checkpoint past 10 would skip 10 forever. So each change stores its
 * transaction id (`pg_current_xact_id()`), the log is read in `(txid, seq)`
 * order, and a read works from a snapshot taken first, in its own statement
 * (`pg_current_snapshot()`): every transaction below its `xmax` and not in
 * its in-progress list has ended, so its changes are all visible to the
 * statements that follow, and their set is final. A read returns changes of
 * ended transactions only, after the position; the new position is the
 * last change returned, plus the transactions below it that were still
 * running (`pending`) — ids are handed out in increasing order, so no other
 * transaction can ever write a change that sorts before the position. The
 * next read first returns the changes of the pending transactions that have
 * ended since (all of them, unpaged), and forgets them. A long transaction
 * delays nothing but its own changes.
 */
export class ChangeLog {
  constructor(private readonly provider: 'sqlite' | 'postgresql') {}

  private get pg(): boolean {
    return this.provider === 'postgresql';
  }

  /** Appends changes inside the writing transaction `tx`. */
  async append(tx: PrismaLike, changes: LogChange[], now: number): Promise<void> {
    for (let i = 0; i < changes.length; i += CHUNK) {
      const values: unknown[] = [];
      const tuples = changes.slice(i, i + CHUNK).map((c) => {
        values.push(c.model, c.rowKey, this.pg ? c.deleted : c.deleted ? 1 : 0, c.before ?? null, now);
        const n = values.length;
        return this.pg ? `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, pg_current_xact_id()::text::bigint, $${n})` : '(?, ?, ?, ?, NULL, ?)';
      });
      await tx.$executeRawUnsafe(`INSERT INTO ${SYNC_TABLE} (model, "rowKey", deleted, "before", txid, at) VALUES ${tuples.join(', ')}`, ...values);
    }
  }

  /** Up to `limit` changes of `model` after `after` (from the start when null) — plus, on PostgreSQL, those of its pending transactions that ended. */
  async read(prisma: PrismaLike, model: string, after: LogPosition | null, limit: number): Promise<LogPage> {
    const take = Math.max(1, Math.floor(limit));
    if (!this.pg) {
      const rows = (await prisma.$queryRawUnsafe(
        `SELECT seq, "rowKey", deleted, "before" FROM ${SYNC_TABLE} WHERE model = ? AND seq > ? ORDER BY seq LIMIT ${take}`,
        model,
        Number(after?.seq ?? 0),
      )) as { seq: number | bigint; rowKey: string; deleted: number | boolean; before: string | null }[];
      const entries = rows.map((r) => ({ seq: String(r.seq), rowKey: r.rowKey, deleted: !!r.deleted, before: r.before }));
      return { entries, next: { seq: entries.at(-1)?.seq ?? after?.seq ?? '0' }, more: entries.length === take };
    }
    const snap = await this.snapshot(prisma);
    const pending = (after?.pending ?? []).filter(isId);
    const ended = pending.filter((x) => !snap.running.has(x));
    const running = [...snap.running].filter(isId);
    const columns = `seq::text AS seq, txid::text AS txid, "rowKey", deleted, "before"`;
    const early = ended.length
      ? ((await prisma.$queryRawUnsafe(`SELECT ${columns} FROM ${SYNC_TABLE} WHERE model = $1 AND txid IN (${ended.join(', ')}) ORDER BY txid, seq`, model)) as LogEntry[])
      : [];
    const main = (await prisma.$queryRawUnsafe(
      `SELECT ${columns} FROM ${SYNC_TABLE}
        WHERE model = $1 AND (txid, seq) > ($2::bigint, $3::bigint) AND txid < $4::bigint${running.length ? ` AND txid NOT IN (${running.join(', ')})` : ''}
        ORDER BY txid, seq LIMIT ${take}`,
      model,
      after?.txid ?? '0',
      after?.seq ?? '0',
      String(snap.xmax),
    )) as LogEntry[];
    const last = main.at(-1);
    const txid = last?.txid ?? after?.txid ?? '0';
    // Still running and below the new position: they may yet commit changes that sort before it.
    const stillPending = new Set([...pending.filter((x) => snap.running.has(x)), ...running.filter((x) => BigInt(x) < BigInt(txid))]);
    const next = { txid, seq: last?.seq ?? after?.seq ?? '0', pending: [...stillPending] };
    return { entries: [...early, ...main].map((r) => ({ seq: r.seq, txid: r.txid, rowKey: r.rowKey, deleted: r.deleted, before: r.before })), next, more: main.length === take };
  }

  /**
   * A position every change committed so far is at or before (changes after
   * it may also have been committed: reading from here may repeat some,
   * never miss one). A full pull starts here before reading the rows.
   */
  async head(prisma: PrismaLike): Promise<LogPosition> {
    if (this.pg) {
      const snap = await this.snapshot(prisma);
      // Everything below xmax has ended except `running`, whose changes follow as pending.
      return { txid: String(snap.xmax), seq: '0', pending: [...snap.running] };
    }
    const rows = (await prisma.$queryRawUnsafe(`SELECT COALESCE(MAX(seq), 0) AS seq FROM ${SYNC_TABLE}`)) as { seq: number | bigint }[];
    return { seq: String(rows[0]?.seq ?? 0) };
  }

  /** Deletes changes written before `before` (ms since the epoch), keeping the newest so ids are never reused. */
  async prune(prisma: PrismaLike, before: number): Promise<number> {
    const sql = this.pg
      ? `DELETE FROM ${SYNC_TABLE} WHERE at < $1 AND seq < (SELECT MAX(seq) FROM ${SYNC_TABLE})`
      : `DELETE FROM ${SYNC_TABLE} WHERE at < ? AND seq < (SELECT MAX(seq) FROM ${SYNC_TABLE})`;
    return Number(await prisma.$executeRawUnsafe(sql, before));
  }

  private async snapshot(prisma: PrismaLike): Promise<Snapshot> {
    const rows = (await prisma.$queryRawUnsafe(
      'SELECT pg_snapshot_xmax(s)::text AS xmax, COALESCE((SELECT string_agg(x::text, \',\') FROM pg_snapshot_xip(s) AS x), \'\') AS running FROM pg_current_snapshot() AS s',
    )) as { xmax: string; running: string }[];
    return { xmax: BigInt(rows[0].xmax), running: new Set(rows[0].running ? rows[0].running.split(',') : []) };
  }
}
