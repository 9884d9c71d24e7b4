/** Where code reads the time (auth's expiries, the worker, the scheduler); tests pass a manual clock instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
