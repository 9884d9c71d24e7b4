import type { ChangeEvent } from './change-event.ts';
import type { ChangeCursor } from './change-cursor.ts';

/** One event with its position in the stream. */
export interface SequencedEvent {
  seq: number;
  event: ChangeEvent;
}

/**
 * The last `capacity` events this process received, without gaps: a change
 * of numbering space or a jump in `seq` (messages missed while Redis was
 * away) empties it, so a replay never silently skips events.
 */
export class ReplayBuffer {
  private readonly ring: (SequencedEvent | undefined)[];
  private start = 0;
  private size = 0;
  private space: string | undefined;
  /** Seq of the last event appended (0 before any). */
  private last = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  /** Appends the events of one batch, numbered from `first`. */
  append(space: string, first: number, events: ChangeEvent[]): void {
    if (space !== this.space || first !== this.last + 1) {
      this.space = space;
      this.start = 0;
      this.size = 0;
      this.ring.fill(undefined);
    }
    this.last = first + events.length - 1;
    if (this.capacity === 0) return;
    events.forEach((event, i) => {
      const entry = { seq: first + i, event };
      if (this.size < this.capacity) {
        this.ring[(this.start + this.size) % this.capacity] = entry;
        this.size++;
      } else {
        this.ring[this.start] = entry;
        this.start = (this.start + 1) % this.capacity;
      }
    });
  }

  /**
   * The events after `cursor`, oldest first, or null when they are not all
   * here any more (evicted, another space, a gap since).
   */
  since(cursor: ChangeCursor): SequencedEvent[] | null {
    if (cursor.space !== this.space || cursor.seq > this.last) return null;
    if (cursor.seq === this.last) return [];
    const oldest = this.size ? this.ring[this.start]!.seq : this.last + 1;
    if (cursor.seq < oldest - 1) return null;
    const out: SequencedEvent[] = [];
    for (let i = cursor.seq - oldest + 1; i < this.size; i++) out.push(this.ring[(this.start + i) % this.capacity]!);
    return out;
  }

  /** Where the stream stands: resuming from here replays nothing. */
  head(): ChangeCursor | undefined {
    return this.space === undefined ? undefined : { space: this.space, seq: this.last };
  }

  /** Events held. */
  get length(): number {
    return this.size;
  }
}
