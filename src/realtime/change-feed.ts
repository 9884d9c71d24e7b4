import type { Logger } from 'pino';
import { AppError } from '../base/errors.ts';
import type { ChangeKind } from '../base/change-event.ts';
import { type ChangeCursor, encodeCursor } from './change-cursor.ts';
import type { ChangeHub, ReceivedBatch } from './change-hub.ts';
import type { ChangePayload, GroupSpec, Row } from './group-spec.ts';
import type { SequencedEvent } from './replay-buffer.ts';
import { SubscriberQueue } from './subscriber-queue.ts';
import { type RemovedNodes, SubscriberView } from './subscriber-view.ts';

export type { ChangePayload, GroupSpec } from './group-spec.ts';

export interface FeedSubscribeOptions {
  /** Kinds to send; all when null. Rows are tracked whatever the kinds. */
  kinds: ChangeKind[] | null;
  /** Resume after this cursor: the missed events are replayed first. */
  after?: ChangeCursor;
  /** Called when the subscription's queue overflows (the transport closes the connection). */
  onOverflow?: (pending: number) => void;
}

interface Group {
  spec: GroupSpec;
  members: Set<SubscriberView>;
}

export interface ChangeFeedOptions {
  hub: ChangeHub;
  /** Events waiting per subscription before it counts as slow. @default 256 */
  queueSize?: number;
  /** How long a subscription may stay above `queueSize` before it overflows. @default 5000 */
  slowGraceMs?: number;
  /** Rows tracked per subscription. @default 1000 */
  trackedRows?: number;
  log: Logger;
}

/** What a subscriber is told when the events after its cursor are gone (every transport says the same). */
export const CURSOR_EXPIRED_MESSAGE = 'The events after this cursor are no longer available: refetch, then subscribe without after';
export const cursorExpiredExtensions = { code: 'BAD_USER_INPUT', argument: 'after', reason: 'CURSOR_EXPIRED' } as const;

/** Keys per query when loading many rows at once. */
const CHUNK = 500;
type Loaded = Map<string, Row> | null;

/**
 * Matches committed changes to subscriptions. Per batch, each group of
 * identical subscriptions costs one query for the rows it created or updated;
 * deliveries keep the hub's order. Rows a subscription has seen are tracked
 * so it learns when they leave its view (`leaving`) or are deleted.
 */
export class ChangeFeed {
  private readonly groups = new Map<string, Map<string, Group>>();
  private chain: Promise<void> = Promise.resolve();
  private readonly unlisten: () => void;
  private readonly watchers = new Set<() => void>();

  constructor(private readonly options: ChangeFeedOptions) {
    this.unlisten = options.hub.listen((batch) => this.receive(batch));
  }

  /** Starts a subscription; throws when `after` can no longer be resumed. */
  subscribe(spec: GroupSpec, options: FeedSubscribeOptions): AsyncIterableIterator<ChangePayload> {
    const replay = options.after ? this.options.hub.since(options.after) : [];
    if (replay === null) {
      const { code, ...extensions } = cursorExpiredExtensions;
      throw new AppError(code, CURSOR_EXPIRED_MESSAGE, extensions);
    }
    let byKey = this.groups.get(spec.model);
    if (!byKey) this.groups.set(spec.model, (byKey = new Map()));
    let group = byKey.get(spec.key);
    if (!group) byKey.set(spec.key, (group = { spec, members: new Set() }));
    const queueSize = this.options.queueSize ?? 256;
    const queue = new SubscriberQueue<ChangePayload>(
      queueSize,
      this.options.slowGraceMs ?? 5000,
      (pending) => {
        options.onOverflow?.(pending);
        return new AppError('RATE_LIMITED', `Subscription fell behind: ${pending} events waiting (more than ${queueSize})`);
      },
      () => this.leave(group, member),
    );
    const kinds = options.kinds ? new Set<ChangeKind>(options.kinds) : null;
    const member = new SubscriberView(group.spec, queue, kinds, this.options.trackedRows ?? 1000, this.options.hub.ordinal);
    if (replay.length) member.held = [];
    group.members.add(member);
    if (replay.length) this.replay(member, replay, options.after!.space);
    this.notify();
    return member.queue;
  }

  /** Calls `listener` after every subscription start and end (metrics, tests waiting for a subscriber). */
  watch(listener: () => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private notify(): void {
    for (const watcher of this.watchers) watcher();
  }

  /** Sizes of the feed's state (tests assert it returns to zero). */
  stats(): { groups: number; subscriptions: number; tracked: number; pending: number } {
    let groups = 0;
    let subscriptions = 0;
    let tracked = 0;
    let pending = 0;
    for (const byKey of this.groups.values()) {
      for (const group of byKey.values()) {
        groups++;
        for (const member of group.members) {
          subscriptions++;
          tracked += member.tracked.size;
          pending += member.queue.pending;
        }
      }
    }
    return { groups, subscriptions, tracked, pending };
  }

  /** Ends every subscription. */
  close(): void {
    this.unlisten();
    for (const byKey of this.groups.values()) for (const group of byKey.values()) for (const m of group.members) m.queue.return();
    this.groups.clear();
  }

  private leave(group: Group, member: SubscriberView): void {
    group.members.delete(member);
    if (group.members.size === 0) {
      const byKey = this.groups.get(group.spec.model);
      byKey?.delete(group.spec.key);
      if (byKey?.size === 0) this.groups.delete(group.spec.model);
    }
    this.notify();
  }

  private receive(batch: ReceivedBatch): void {
    const work: Promise<[Group, Loaded]>[] = [];
    const models = new Set(batch.events.map((e) => e.model));
    for (const model of models) {
      for (const group of this.groups.get(model)?.values() ?? []) {
        const keys = batch.events.filter((e) => e.model === model && e.kind !== 'DELETED').map((e) => e.key);
        work.push(this.load(group.spec, keys).then((rows) => [group, rows]));
      }
    }
    if (work.length === 0) return;
    const loaded = Promise.all(work);
    this.chain = this.chain
      .then(() => loaded)
      .then((results) => this.deliver(batch, results))
      .catch((error) => this.options.log.error({ err: error }, 'realtime: delivering a batch failed'));
  }

  private async load(spec: GroupSpec, keys: Row[]): Promise<Loaded> {
    const unique = new Map(keys.map((k) => [spec.keyOf(k), k]));
    const out = new Map<string, Row>();
    try {
      const list = [...unique.values()];
      for (let i = 0; i < list.length; i += CHUNK) {
        for (const row of await spec.load(list.slice(i, i + CHUNK))) out.set(spec.keyOf(row), row);
      }
      return out;
    } catch (error) {
      this.options.log.error({ err: error, model: spec.model }, 'realtime: loading changed rows failed; subscribers of this filter miss the batch');
      return null;
    }
  }

  private deliver(batch: ReceivedBatch, results: [Group, Loaded][]): void {
    const memos = new Map<Group, RemovedNodes>();
    batch.events.forEach((event, i) => {
      const cursor = encodeCursor({ space: batch.space, seq: batch.first + i, tag: batch.tag });
      for (const [group, rows] of results) {
        if (group.spec.model !== event.model || rows === null) continue;
        let memo = memos.get(group);
        if (!memo) memos.set(group, (memo = new Map()));
        const visible = rows.get(group.spec.keyOf(event.key)) ?? null;
        for (const member of group.members) {
          if (member.joinedAt >= batch.ordinal) continue;
          const apply = () => member.apply(event, cursor, visible, memo);
          if (member.held) member.held.push(apply);
          else apply();
        }
      }
    });
  }

  /** Sends the missed events (entries of `space`) to a resumed subscription, then its held live ones. */
  private replay(member: SubscriberView, entries: SequencedEvent[], space: string): void {
    const { spec } = member;
    const mine = entries.filter((e) => e.event.model === spec.model);
    const keys = mine.filter((e) => e.event.kind !== 'DELETED').map((e) => e.event.key);
    void this.load(spec, keys).then((rows) => {
      if (rows === null) {
        member.queue.fail(new AppError('INTERNAL_SERVER_ERROR', 'Replaying missed events failed'));
        return;
      }
      const memo: RemovedNodes = new Map();
      for (const { seq, tag, event } of mine) member.apply(event, encodeCursor({ space, seq, tag }), rows.get(spec.keyOf(event.key)) ?? null, memo);
      const held = member.held ?? [];
      member.held = null;
      for (const apply of held) apply();
    });
  }
}
