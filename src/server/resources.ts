/** What an opened part needs to release its connections, timers and workers. */
export type Close = () => Promise<unknown> | unknown;

/** A stack of opened parts: each registers its close as it opens, and they close in reverse order. */
export interface Resources {
  /** Registers `close` for `value` (a part just opened) and returns `value`. */
  add<T>(value: T, close: Close): T;
  /**
   * Closes every registered part, newest first, once: a failing close does
   * not keep the older parts open; the first error is rethrown at the end.
   */
  close(): Promise<void>;
}

export function createResources(): Resources {
  const closers: Close[] = [];
  let closing: Promise<void> | undefined;
  const closeAll = async () => {
    let failure: { error: unknown } | undefined;
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  };
  return {
    add(value, close) {
      closers.push(close);
      return value;
    },
    close: () => (closing ??= closeAll()),
  };
}

/**
 * Runs `build` with a fresh resource stack; if it throws, closes what it had
 * opened (newest first) and rethrows the build's error.
 */
export async function withResources<T>(build: (resources: Resources) => Promise<T>): Promise<T> {
  const resources = createResources();
  try {
    return await build(resources);
  } catch (error) {
    await resources.close().catch(() => undefined);
    throw error;
  }
}
