import type { Viewer } from '../base/viewer.ts';
import type { Where } from './policy.ts';

/** What a rule sees: who is asking. */
export interface RuleContext {
  viewer: Viewer;
}

/**
 * A rule: `true`/`false`, `'authenticated'`, or a function returning a
 * boolean or a Prisma `where` that limits the rows it allows. A function
 * runs once per request (its result is reused for every row and level), so
 * it should depend on the viewer only.
 */
export type Rule = boolean | 'authenticated' | ((ctx: RuleContext) => boolean | Where);

/** Rules of one field: who may read it (rows, like a model rule) and who may set it. */
export interface FieldRules {
  read?: Rule;
  /** Write rules are yes/no: a `where` result counts as yes. */
  write?: Rule;
}

/** Rules of one model. Anything not granted is denied; admins may do everything. */
export interface ModelRules {
  read?: Rule;
  /** Who may create; a `where` result is a check the new row must pass (inside the transaction). */
  create?: Rule;
  /** Which rows may be updated. */
  update?: Rule;
  /** Which rows may be deleted. */
  delete?: Rule;
  /** Checks a row must still pass after an update (like Hasura's insert/update check). */
  check?: { update?: (ctx: RuleContext) => Where };
  /**
   * Values set from the session on create/update, one function per field
   * (`{ create: { authorId: ({ viewer }) => viewer.id } }`). Clients may not set
   * these fields themselves, and the create inputs leave them optional.
   */
  preset?: {
    create?: Preset;
    update?: Preset;
  };
  fields?: Record<string, FieldRules>;
}

/** Field values computed from the session; a function returning `undefined` leaves the field unset (and clients still may not set it). */
export type Preset = Record<string, (ctx: RuleContext) => unknown>;

/** Rules for the models of a schema, by model name. Models without rules are admin-only. */
export type Rules = Record<string, ModelRules>;

/** Identity helper giving typed rules to app code (`app/rules.ts`). */
export function defineRules<R extends Rules>(rules: R): R {
  return rules;
}

type SignedIn = Extract<Viewer, { kind: 'user' }>;

/** A rule for signed-in users only: `fn` gets the user; anonymous callers are denied. */
export function signedIn(fn: (user: SignedIn) => boolean | Where): Rule {
  return ({ viewer }) => (viewer.kind === 'user' ? fn(viewer) : false);
}

/** Rows whose `field` holds the viewer's id (`authorId = viewer.id`). */
export function ownedBy(field: string): Rule {
  return signedIn((user) => ({ [field]: user.id }));
}

/** Users having one of `roles`. */
export function hasRole(...roles: string[]): Rule {
  return signedIn((user) => roles.includes(user.role));
}
