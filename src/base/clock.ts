/** Where auth reads the time; tests pass a manual clock to move through expiry without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
