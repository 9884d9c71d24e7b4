import type {} from '@pothos/plugin-prisma';
import type { Viewer } from '../base/viewer.ts';
import type { Context } from '../base/context.ts';
import type { AppPrismaTypes } from '../hooks/app-types.ts';
import type { ModelTypes, RowWriter, ShapeOf, WhereOf } from '../hooks/row-writer.ts';
import type { ModelPolicy, Where } from '../permissions/policy.ts';
import type { Access } from '../permissions/shield.ts';
import { brand } from './brand.ts';

/** Strata's scalars as app code sees them (inputs parsed, outputs accepted). */
type StrataScalars = {
  DateTime: { Input: Date; Output: Date | string };
  JSON: { Input: unknown; Output: unknown };
  BigInt: { Input: bigint; Output: bigint | number | string };
  Decimal: { Input: string; Output: { toString(): string } | string | number };
  Bytes: { Input: Uint8Array; Output: Uint8Array };
};

/** Pothos' schema types of the app: its context, generated Prisma types and scalars. */
export type AppSchemaTypes<T extends ModelTypes = AppPrismaTypes> = PothosSchemaTypes.ExtendDefaultTypes<{
  Context: Context;
  PrismaTypes: T;
  DefaultFieldNullability: false;
  Scalars: StrataScalars;
}>;

/** The builder of the generated API, typed for app code: `t.prismaField({ type: 'Post' })` reuses the generated `Post`. */
export type AppBuilder<T extends ModelTypes = AppPrismaTypes> = PothosSchemaTypes.SchemaBuilder<AppSchemaTypes<T>>;


/** Permission and write helpers for custom resolvers: the same rules and pipeline as the generated API. */
export interface ResolverKit<T extends ModelTypes = AppPrismaTypes> {
  /** Runs `work` in one write transaction as `ctx.viewer`: rules, hooks, change events and triggers apply to every row. */
  write<R>(ctx: Context, work: (writer: RowWriter<T>) => Promise<R>): Promise<R>;
  /** The rows of `model` the viewer may read, as a Prisma `where` (`{}` all), or null for none. */
  readable(ctx: Context, model: keyof T & string): Where | null;
  /**
   * One row the viewer may read, with the client's selection (`query` of a
   * `t.prismaField` resolver), or NOT_FOUND: hidden rows look like missing ones.
   */
  findVisible<M extends keyof T & string>(ctx: Context, model: M, where: WhereOf<T, M>, query?: object): Promise<ShapeOf<T, M>>;
  /** Throws UNAUTHENTICATED/FORBIDDEN unless the viewer passes `access` (subscriptions must check at subscribe time). */
  authorize(ctx: Context, access: Access): void;
  /** The compiled rules of a model, as the generated operations ask them. */
  policy(model: keyof T & string): ModelPolicy;
  /** True for admins (role ADMIN or the admin secret). */
  isAdmin(viewer: Viewer): boolean;
}

/** Adds fields to the API; every root field must declare `extensions: { access }` or it is denied. */
export type ResolversDefinition<T extends ModelTypes = AppPrismaTypes> = (builder: AppBuilder<T>, kit: ResolverKit<T>) => void;

/** Resolvers as the loader sees them. */
export interface Resolvers {
  define: ResolversDefinition<any>;
}

/**
 * Custom queries, mutations and subscriptions for `app/functions/*.ts`,
 * defined with the generated API's own Pothos builder: they reuse its object
 * types, print into schema.graphql, and pass through the same shield,
 * limits and error masking.
 */
export function defineResolvers<T extends ModelTypes = AppPrismaTypes>(define: ResolversDefinition<T>) {
  return brand('resolvers', { define } as Resolvers);
}
