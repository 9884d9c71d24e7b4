import type { LooseModelTypes } from './row-writer.ts';

declare global {
  /**
   * Where the app's generated model types register themselves: `strata
   * generate` and `strata dev` write `.strata/pothos-types.ts`, which adds
   * `prismaTypes` (Pothos' `PrismaTypes` of the current schema) to this
   * global interface. Strata never imports that generated file; the app's
   * tsconfig includes it. Empty (before the first `strata generate`, or
   * when not included): app code is checked against loose types.
   */
  interface StrataAppTypes {}
}

/** Pothos' `PrismaTypes` of the app (model name → Shape, Where, WhereUnique, Include...); loose until generated. */
export type AppPrismaTypes = StrataAppTypes extends { prismaTypes: infer T extends object } ? T : LooseModelTypes;
