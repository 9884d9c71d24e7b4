import { Decimal } from '@prisma/client/runtime/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeValue, encodeValue } from '../../src/base/json.ts';
import { type MatchField, matchRow } from '../../src/permissions/match-row.ts';
import { ReplayBuffer } from '../../src/realtime/replay-buffer.ts';
import { SubscriberQueue } from '../../src/realtime/subscriber-queue.ts';
import { deferred } from '../support/deferred.ts';

const fields = new Map<string, MatchField>([
  ['id', { kind: 'scalar', type: 'Int', isList: false }],
  ['title', { kind: 'scalar', type: 'String', isList: false }],
  ['body', { kind: 'scalar', type: 'String', isList: false }],
  ['published', { kind: 'scalar', type: 'Boolean', isList: false }],
  ['status', { kind: 'enum', type: 'PostStatus', isList: false }],
  ['views', { kind: 'scalar', type: 'BigInt', isList: false }],
  ['rating', { kind: 'scalar', type: 'Decimal', isList: false }],
  ['createdAt', { kind: 'scalar', type: 'DateTime', isList: false }],
  ['metadata', { kind: 'scalar', type: 'Json', isList: false }],
  ['author', { kind: 'object', type: 'User', isList: false }],
]);
const row = {
  id: 7,
  title: 'Hello World',
  body: null,
  published: true,
  status: 'PUBLISHED',
  views: 9007199254740993n,
  rating: new Decimal('4.25'),
  createdAt: new Date('2024-05-01T12:00:00Z'),
  metadata: { a: 1 },
};
const match = (where: unknown, provider = 'postgresql') => matchRow(where, row, fields, provider);

describe('matchRow: the in-memory filter behind DELETED/leaving for rows a subscription never sent', () => {
  it('decides scalar equality, lists and ordering for numbers, bigints, decimals, dates and enums', () => {
    expect(match({ id: 7, published: true, status: 'PUBLISHED' })).toBe(true);
    expect(match({ id: { in: [1, 7] }, status: { notIn: ['DRAFT'] } })).toBe(true);
    expect(match({ views: { gt: 9007199254740992n }, rating: { gte: '4.25', lt: 5 } })).toBe(true);
    expect(match({ createdAt: { lt: new Date('2024-06-01T00:00:00Z') } })).toBe(true);
    expect(match({ createdAt: { gt: '2024-06-01T00:00:00Z' } })).toBe(false);
    expect(match({ id: { not: 7 } })).toBe(false);
    expect(match({ id: { not: { in: [1, 2] } } })).toBe(true);
  });

  it('combines AND / OR / NOT with three-valued logic, as Prisma does for empty lists', () => {
    expect(match({ OR: [{ id: 1 }, { published: true }] })).toBe(true);
    expect(match({ OR: [{ author: { is: { id: 1 } } }, { published: true }] })).toBe(true);
    expect(match({ OR: [{ author: { is: { id: 1 } } }, { published: false }] })).toBe(undefined);
    expect(match({ AND: [{ author: { is: { id: 1 } } }, { published: false }] })).toBe(false);
    expect(match({ NOT: [{ id: 7 }] })).toBe(false);
    expect(match({ OR: [] })).toBe(false);
    expect(match({ AND: [], NOT: [] })).toBe(true);
    expect(match({ id: { in: [] } })).toBe(false);
  });

  it('leaves to the database what it cannot be sure of: relations, JSON, string order, NULL comparisons, collations', () => {
    expect(match({ author: { is: { email: 'x' } } })).toBe(undefined);
    expect(match({ metadata: { equals: { a: 1 } } })).toBe(undefined);
    expect(match({ title: { gt: 'A' } })).toBe(undefined);
    expect(match({ body: { not: 'x' } })).toBe(undefined);
    expect(match({ body: null })).toBe(true);
    expect(match({ body: { not: null } })).toBe(false);
    expect(match({ title: { contains: 'world' } })).toBe(false);
    expect(match({ title: { contains: 'world', mode: 'insensitive' } })).toBe(true);
    // SQLite's LIKE ignores ASCII case only.
    expect(match({ title: { contains: 'world' } }, 'sqlite')).toBe(true);
    expect(matchRow({ title: { contains: 'é' } }, { title: 'CAFÉ' }, fields, 'sqlite')).toBe(undefined);
    expect(match({ unknownField: 1 })).toBe(undefined);
  });
});

describe('event codec (Redis messages, group keys)', () => {
  it('round-trips bigint, Date, bytes, Decimal, and JSON that looks like a tag', () => {
    const value = { a: 1n, d: new Date('2024-01-02T03:04:05.678Z'), b: new Uint8Array([0, 255, 7]), m: new Decimal('1.50'), j: { $strata: 'bigint', v: '1' } };
    const back = decodeValue(encodeValue(value), (text) => new Decimal(text)) as typeof value;
    expect(back.a).toBe(1n);
    expect(back.d.toISOString()).toBe('2024-01-02T03:04:05.678Z');
    expect([...back.b]).toEqual([0, 255, 7]);
    expect(back.m.toString()).toBe('1.5');
    expect(back.j).toEqual({ $strata: 'bigint', v: '1' });
  });
});

describe('ReplayBuffer', () => {
  const event = (n: number) => ({ model: 'Post', kind: 'CREATED' as const, key: { id: n }, row: { id: n } });
  /** A batch of events numbered from `first`, tagged `tag` (and `prevTag` for the batch before it). */
  const batch = (space: string, first: number, tag: string, ids: number[], prevTag?: string) => ({ space, first, tag, prevTag, events: ids.map(event) });

  it('replays what followed a cursor, and refuses cursors it no longer covers', () => {
    const buffer = new ReplayBuffer(3);
    buffer.append(batch('s', 1, 'a', [1, 2]));
    buffer.append(batch('s', 3, 'b', [3, 4]));
    expect(buffer.since({ space: 's', seq: 1, tag: 'a' })?.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(buffer.since({ space: 's', seq: 4, tag: 'b' })).toEqual([]);
    expect(buffer.since({ space: 's', seq: 0, tag: 'a' })).toBe(null);
    expect(buffer.since({ space: 's', seq: 9, tag: 'b' })).toBe(null);
    expect(buffer.since({ space: 'other', seq: 2, tag: 'a' })).toBe(null);
  });

  it('forgets everything on a gap or a new numbering space, so a replay never skips events silently', () => {
    const buffer = new ReplayBuffer(10);
    buffer.append(batch('s', 1, 'a', [1]));
    buffer.append(batch('s', 5, 'e', [5], 'd'));
    expect(buffer.since({ space: 's', seq: 1, tag: 'a' })).toBe(null);
    expect(buffer.since({ space: 's', seq: 4, tag: 'd' })?.map((e) => e.seq)).toEqual([5]);
    buffer.append(batch('t', 1, 'f', [6]));
    expect(buffer.since({ space: 's', seq: 5, tag: 'e' })).toBe(null);
    expect(buffer.length).toBe(1);
  });

  it('refuses a cursor whose number was reused after a rewind (a Redis restored from a snapshot)', () => {
    const buffer = new ReplayBuffer(10);
    buffer.append(batch('s', 1, 'a', [1, 2]));
    buffer.append(batch('s', 3, 'b', [3, 4]));
    // Redis restored from a snapshot taken after event 2 numbers the next batch 3 again.
    buffer.append(batch('s', 3, 'x', [30, 40, 50], 'a'));
    expect(buffer.since({ space: 's', seq: 4, tag: 'b' })).toBe(null);
    expect(buffer.since({ space: 's', seq: 3, tag: 'b' })).toBe(null);
    // A cursor from before the rewind point is still good: its event is the one Redis remembers.
    expect(buffer.since({ space: 's', seq: 2, tag: 'a' })?.map((e) => e.event.key.id)).toEqual([30, 40, 50]);
    // Without the previous batch's tag, the first event after a reset cannot be checked: refused.
    const fresh = new ReplayBuffer(10);
    fresh.append(batch('s', 3, 'x', [30]));
    expect(fresh.since({ space: 's', seq: 2, tag: 'a' })).toBe(null);
  });

  it('keeps the tag of evicted events to check cursors at the edge of the buffer', () => {
    const buffer = new ReplayBuffer(2);
    buffer.append(batch('s', 1, 'a', [1, 2, 3]));
    expect(buffer.since({ space: 's', seq: 1, tag: 'a' })?.map((e) => e.seq)).toEqual([2, 3]);
    expect(buffer.since({ space: 's', seq: 1, tag: 'z' })).toBe(null);
  });

  it('with replay off, still accepts the current position', () => {
    const buffer = new ReplayBuffer(0);
    buffer.append(batch('s', 1, 'a', [1, 2]));
    expect(buffer.since({ space: 's', seq: 2, tag: 'a' })).toEqual([]);
    expect(buffer.since({ space: 's', seq: 2, tag: 'z' })).toBe(null);
    expect(buffer.since({ space: 's', seq: 1, tag: 'a' })).toBe(null);
  });
});

describe('SubscriberQueue', () => {
  it('yields in order, waiting for pending nodes and skipping those that resolve to nothing', async () => {
    const queue = new SubscriberQueue<number>(10, 1000, () => new Error('overflow'), () => {});
    const slow = deferred<number | undefined>();
    const skipped = deferred<number | undefined>();
    queue.push(1);
    queue.push(slow.promise);
    queue.push(skipped.promise);
    queue.push(4);
    expect((await queue.next()).value).toBe(1);
    const second = queue.next();
    skipped.resolve(undefined);
    slow.resolve(2);
    expect((await second).value).toBe(2);
    expect((await queue.next()).value).toBe(4);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('overflows a reader that stays above capacity past the grace period, once, and ends it with the error', async () => {
    vi.useFakeTimers();
    let overflows = 0;
    let ends = 0;
    const queue = new SubscriberQueue<number>(2, 20, (pending) => (overflows++, new Error(`overflow at ${pending}`)), () => ends++);
    for (let i = 0; i < 5; i++) queue.push(i);
    vi.advanceTimersByTime(19);
    expect(overflows).toBe(0);
    vi.advanceTimersByTime(1);
    expect([overflows, ends, queue.pending]).toEqual([1, 1, 0]);
    await expect(queue.next()).rejects.toThrow('overflow at 5');
    expect((await queue.next()).done).toBe(true);
  });

  it('does not overflow a reader that drains a burst within the grace period', async () => {
    vi.useFakeTimers();
    let overflows = 0;
    const queue = new SubscriberQueue<number>(2, 50, () => (overflows++, new Error('overflow')), () => {});
    for (let i = 0; i < 6; i++) queue.push(i);
    for (let i = 0; i < 6; i++) expect((await queue.next()).value).toBe(i);
    vi.advanceTimersByTime(1000);
    expect(overflows).toBe(0);
    queue.push(6);
    expect((await queue.next()).value).toBe(6);
  });

  it('return() ends a waiting reader and reports the end once', async () => {
    let ends = 0;
    const queue = new SubscriberQueue<number>(2, 20, () => new Error('x'), () => ends++);
    const waiting = queue.next();
    await queue.return();
    await queue.return();
    expect((await waiting).done).toBe(true);
    expect(ends).toBe(1);
  });
});
