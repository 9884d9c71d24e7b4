import type { TriggerEvent } from '../../../src/functions/define-trigger.ts';
import type { SystemContext } from '../../../src/functions/system-context.ts';

/** What the fixture app's triggers and schedules call; each test installs its own behaviour. */
export interface Control {
  postChanges?: (event: TriggerEvent, ctx: SystemContext<any>) => unknown;
  publishedOnly?: (event: TriggerEvent) => unknown;
  everyMinute?: (ctx: SystemContext<any> & { tick: Date }) => unknown;
}

/** Shared through globalThis: the app loads the fixture modules itself. */
export const control: Control = ((globalThis as Record<symbol, unknown>)[Symbol.for('strata.test.control')] ??= {}) as Control;

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.now()) {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms: number) => void (now += ms),
    set: (ms: number) => void (now = ms),
  };
}

/** Polls `check` until it returns a truthy value, up to `timeoutMs`: for work another process or a background loop does. */
export async function eventually<T>(check: () => Promise<T | undefined | false | null>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
