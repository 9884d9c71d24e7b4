import type { ChangeEvent, ChangeKind } from '../base/change-event.ts';
import type { ChangePayload, GroupSpec, Row } from './group-spec.ts';
import type { SubscriberQueue } from './subscriber-queue.ts';

/** Nodes built for rows that left, shared by the subscribers of a group for one batch. */
export type RemovedNodes = Map<string, Promise<Row | null>>;

/**
 * One subscription's view of its model: the rows in it (with the node last
 * sent for each, most recent last) and what it is sent for each change.
 *
 * - visible now → the change, `leaving: false`; the row is in the view;
 * - in the view, not visible now (updated out of the filter or the
 *   permissions, or deleted) → `leaving: true` with the node last sent, once;
 * - never in the view → only when the row's own columns (the deleted row, or
 *   the previous state of an update) certainly matched the filter, decided in
 *   memory, with a node built from those columns.
 *
 * `kinds` filters what is sent, not what is tracked.
 */
export class SubscriberView {
  /** Rows in view → the node last sent for them (LRU order). */
  readonly tracked = new Map<string, Row>();
  /** Live changes waiting for a replay to finish. */
  held: (() => void)[] | null = null;

  constructor(
    readonly spec: GroupSpec,
    readonly queue: SubscriberQueue<ChangePayload>,
    private readonly kinds: Set<ChangeKind> | null,
    private readonly maxTracked: number,
    /** Hub ordinal when it started: earlier batches are not its business. */
    readonly joinedAt: number,
  ) {}

  /** Applies one change, given the row as this subscriber may see it now (null: not visible or gone). */
  apply(event: ChangeEvent, cursor: string, visible: Row | null, removedNodes: RemovedNodes): void {
    if (this.queue.ended) return;
    const { spec } = this;
    const key = spec.keyOf(event.key);
    if (event.kind !== 'DELETED' && visible) {
      this.tracked.delete(key);
      this.tracked.set(key, visible);
      if (this.tracked.size > this.maxTracked) this.tracked.delete(this.tracked.keys().next().value!);
      this.send(event.kind, false, visible, cursor);
      return;
    }
    const known = this.tracked.get(key);
    if (known) {
      this.tracked.delete(key);
      this.send(event.kind === 'DELETED' ? 'DELETED' : 'UPDATED', true, known, cursor);
      return;
    }
    // Never sent on this subscription (loaded by a query before it started, or forgotten): decide from the row's columns.
    const before = event.kind === 'DELETED' ? event.row : event.kind === 'UPDATED' ? event.previous : undefined;
    if (!before || spec.matchInMemory(before) !== true) return;
    const id = `${key}:${cursor}`;
    let node = removedNodes.get(id);
    if (!node) removedNodes.set(id, (node = spec.removedNode(before).catch(() => null)));
    this.send(event.kind === 'DELETED' ? 'DELETED' : 'UPDATED', true, node, cursor);
  }

  private send(kind: ChangeKind, leaving: boolean, node: Row | Promise<Row | null>, cursor: string): void {
    if (this.kinds && !this.kinds.has(kind)) return;
    if (!(node instanceof Promise)) this.queue.push({ kind, node, leaving, cursor });
    else this.queue.push(node.then((n) => (n ? { kind, node: n, leaving, cursor } : undefined)));
  }
}
