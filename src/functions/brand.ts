/** Marks what a `defineX` helper made, so the loader can tell app exports apart. */
export const kindOf = Symbol.for('strata.function.kind');

export type FunctionKind = 'resolvers' | 'trigger' | 'schedule' | 'http';

/** Adds the brand of `kind` to a definition. */
export function brand<K extends FunctionKind, T extends object>(kind: K, definition: T): T & { readonly [kindOf]: K } {
  return Object.assign(definition, { [kindOf]: kind }) as T & { readonly [kindOf]: K };
}

/** The kind of a value made by a `defineX` helper, if it is one. */
export function kindOfValue(value: unknown): FunctionKind | undefined {
  return typeof value === 'object' && value !== null ? ((value as { [kindOf]?: FunctionKind })[kindOf] ?? undefined) : undefined;
}
