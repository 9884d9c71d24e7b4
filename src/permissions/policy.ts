import type { Context } from '../base/context.ts';

/** A Prisma `where` object. */
export type Where = Record<string, unknown>;

/**
 * What a viewer may do with one model, as the write pipeline and the read
 * paths ask it. `null` means denied; a `Where` limits the rows (`{}` = all).
 */
export interface ModelPolicy {
  /** True when every viewer may read every row (no row filter to apply). */
  openRead: boolean;
  /** Fields that have read rules of their own. */
  guardedFields: string[];
  /** Rows the viewer may read. */
  read(ctx: Context): Where | null;
  /** Whether the viewer may create; the `Where` is a check the new row must pass inside the transaction. */
  create(ctx: Context): Where | null;
  /** Rows the viewer may update; the check an updated row must still pass is `updateCheck`. */
  update(ctx: Context): Where | null;
  /** The check an updated row must pass inside the transaction. */
  updateCheck(ctx: Context): Where;
  /** Rows the viewer may delete. */
  delete(ctx: Context): Where | null;
  /** The fields a preset sets on create / update (for anyone but admins): optional in create inputs. */
  presetFields: { create: string[]; update: string[] };
  /** Values forced on create/update from the session; clients may not set these fields. */
  preset(ctx: Context, operation: 'create' | 'update'): Record<string, unknown>;
  /** Rows on which `field` is readable: `{}` everywhere, `null` nowhere. */
  readField(ctx: Context, field: string): Where | null;
  /** Whether the viewer may set `field`. */
  writeField(ctx: Context, field: string): boolean;
  /**
   * Whether the rules give `field` a write rule of its own: then it decides
   * who may change a field preset on create (the row's owner) on update.
   * Absent: no field has one.
   */
  hasWriteRule?(field: string): boolean;
}

/** Answers the policy of any model. */
export type Policy = (model: string) => ModelPolicy;

const everything: ModelPolicy = {
  openRead: true,
  guardedFields: [],
  read: () => ({}),
  create: () => ({}),
  update: () => ({}),
  updateCheck: () => ({}),
  delete: () => ({}),
  presetFields: { create: [], update: [] },
  preset: () => ({}),
  readField: () => ({}),
  writeField: () => true,
};

/** The policy that allows everything (no rules configured, tests of the raw API). */
export const allowAll: Policy = () => everything;

/** `AND` of filters, dropping empty ones. */
export function and(...filters: (Where | null | undefined)[]): Where {
  const parts = filters.filter((f): f is Where => !!f && Object.keys(f).length > 0);
  if (parts.length === 0) return {};
  if (parts.length === 1) return parts[0];
  return { AND: parts };
}
