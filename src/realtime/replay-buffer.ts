import type { NumberedBatch } from './broker.ts';
import type { ChangeEvent } from '../base/change-event.ts';
import type { ChangeCursor } from './change-cursor.ts';

/** One event with its position in the stream and the tag of the batch it came in. */
export interface SequencedEvent {
  seq: number;
  tag: string;
  event: ChangeEvent;
}

/**
 * The last `capacity` events this process received, without gaps: a change
 * of numbering space or a jump in `seq` (messages missed while Redis was
 * away, or a Redis restored from a snapshot numbering again from an earlier
 * point) empties it, so a replay never silently skips events. A cursor names
 * its event by position and by batch tag: a cursor whose position now holds
 * another batch (numbers reused after a rewind) cannot be resumed.
 */
export class ReplayBuffer {
  private readonly ring: (SequencedEvent | undefined)[];
  private start = 0;
  private size = 0;
  private space: string | undefined;
  /** Seq of the last event appended (0 before any). */
  private last = 0;
  /** Tag of the event just before the oldest one held (undefined when unknown). */
  private beforeTag: string | undefined;

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  /** Appends the events of one batch. */
  append({ space, first, tag, prevTag, events }: NumberedBatch): void {
    // Already held (history read back on connect overlaps the live batches received meanwhile).
    if (space === this.space && this.tagAt(first) === tag && first + events.length - 1 <= this.last) return;
    if (space !== this.space || first !== this.last + 1) {
      this.space = space;
      this.start = 0;
      this.size = 0;
      this.ring.fill(undefined);
      this.beforeTag = prevTag;
    }
    this.last = first + events.length - 1;
    if (this.capacity === 0) {
      this.beforeTag = tag;
      return;
    }
    events.forEach((event, i) => {
      const entry = { seq: first + i, tag, event };
      if (this.size < this.capacity) {
        this.ring[(this.start + this.size) % this.capacity] = entry;
        this.size++;
      } else {
        this.beforeTag = this.ring[this.start]!.tag;
        this.ring[this.start] = entry;
        this.start = (this.start + 1) % this.capacity;
      }
    });
  }

  /**
   * The events after `cursor`, oldest first, or null when they are not all
   * here any more (evicted, another space, a gap since) or when the cursor's
   * own event is not the one this buffer holds at its position.
   */
  since(cursor: ChangeCursor): SequencedEvent[] | null {
    if (cursor.space !== this.space || cursor.seq > this.last) return null;
    const oldest = this.size ? this.ring[this.start]!.seq : this.last + 1;
    if (cursor.seq < oldest - 1) return null;
    const tagThere = cursor.seq === oldest - 1 ? this.beforeTag : this.ring[(this.start + cursor.seq - oldest) % this.capacity]!.tag;
    if (tagThere !== cursor.tag) return null;
    const out: SequencedEvent[] = [];
    for (let i = cursor.seq - oldest + 1; i < this.size; i++) out.push(this.ring[(this.start + i) % this.capacity]!);
    return out;
  }

  /** The tag of the event at `seq` when this buffer holds it. */
  private tagAt(seq: number): string | undefined {
    if (!this.size) return undefined;
    const oldest = this.ring[this.start]!.seq;
    if (seq < oldest || seq > this.last) return undefined;
    return this.ring[(this.start + seq - oldest) % this.capacity]!.tag;
  }

  /** Events held. */
  get length(): number {
    return this.size;
  }
}
