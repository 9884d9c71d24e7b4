import type { LooseModelTypes } from './row-writer.ts';

/**
 * Where the app's generated model types register themselves: `strata
 * generate` and `strata dev` write `.strata/pothos-types.ts`, which adds
 * `prismaTypes` (Pothos' `PrismaTypes` of the current schema) to this
 * interface by augmenting the `strata-graphql` module (the pattern of
 * TanStack Router's `Register`). Strata never imports that generated file;
 * the app's tsconfig includes it. Empty (before the first `strata
 * generate`, or when not included): app code is checked against loose types.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the app's generated types
export interface AppTypes {}

/** Pothos' `PrismaTypes` of the app (model name → Shape, Where, WhereUnique, Include...); loose until generated. */
export type AppPrismaTypes = AppTypes extends { prismaTypes: infer T extends object } ? T : LooseModelTypes;
