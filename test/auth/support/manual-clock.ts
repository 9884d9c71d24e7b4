import type { Clock } from '../../../src/base/clock.ts';

/** A clock tests move by hand, so expiry is tested without sleeping. */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start = Date.parse('2030-01-01T00:00:00Z')) {
    this.ms = start;
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

export const DAY = 86_400_000;
