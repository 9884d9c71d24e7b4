import type { IncomingMessage } from 'node:http';

// Per app (keyed by its `config.rateLimit` object): the API rate limit's check of a websocket upgrade (registered by useRateLimit).
const checks = new WeakMap<object, (request: IncomingMessage) => Promise<number | null>>();

/** Registers how upgrades to the API configured by `owner` (its `config.rateLimit`) are counted. */
export function registerUpgradeLimit(owner: object, check: (request: IncomingMessage) => Promise<number | null>): void {
  checks.set(owner, check);
}

/**
 * Counts a websocket upgrade toward its client address: the seconds to wait
 * when it is over the limit, else null (also when `owner` has no rate limit).
 */
export function rateLimitUpgrade(owner: object | undefined, request: IncomingMessage): Promise<number | null> {
  const check = owner && checks.get(owner);
  return check ? check(request).catch(() => null) : Promise.resolve(null);
}
