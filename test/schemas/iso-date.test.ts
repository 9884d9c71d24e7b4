import { describe, expect, it } from 'vitest';
import { toIsoString } from '../../src/schema/iso-date.ts';

/** mulberry32, so a failure names a reproducible date. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('toIsoString', () => {
  it.each([
    ['the epoch', 0],
    ['just before the epoch', -1],
    ['a leap day', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['the day after a century leap day', Date.UTC(2000, 2, 1)],
    ['1900-03-01 (1900 was no leap year)', Date.UTC(1900, 2, 1)],
    ['the first millisecond of year 0000', -62_167_219_200_000],
    ['the last four-digit millisecond', 253_402_300_799_999],
    ['year 10000, written with a sign', 253_402_300_800_000],
    ['a negative year, written with a sign', -62_167_219_200_001],
  ])('matches Date#toISOString at %s', (_label, time) => {
    const date = new Date(time);
    expect(toIsoString(date)).toBe(date.toISOString());
  });

  it('matches Date#toISOString on 200,000 random instants of years 0000 to 9999', () => {
    const random = rng(20241125);
    for (let i = 0; i < 200_000; i++) {
      const date = new Date(Math.floor(-62_167_219_200_000 + random() * 315_569_520_000_000));
      if (toIsoString(date) !== date.toISOString()) expect(toIsoString(date)).toBe(date.toISOString());
    }
  });

  it('throws on an invalid date, as Date#toISOString does', () => {
    expect(() => toIsoString(new Date(Number.NaN))).toThrow(RangeError);
  });
});
