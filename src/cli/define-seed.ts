import type { Logger } from 'pino';

/** What `prisma/seed.ts` gets from `strata seed` and `strata reset`. */
export interface SeedContext {
  /** The Prisma client of the app's schema: writes skip rules and hooks. */
  prisma: any;
  /**
   * Runs a GraphQL operation through the whole API as an admin (hooks and
   * triggers run); returns `data`, throws on errors.
   */
  graphql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Hashes a password the way sign-in checks it (for seeded accounts). */
  hashPassword(password: string): Promise<string>;
  log: Logger;
}

export type Seed = (context: SeedContext) => unknown;

/** Declares the seed: `export default defineSeed(async ({ prisma, graphql }) => { ... })`. */
export function defineSeed(seed: Seed): Seed {
  return seed;
}
