import type { ManagedFields } from '../permissions/compile-policy.ts';
import type { Datamodel } from '../base/datamodel.ts';
import type { Generator } from './generator.ts';

/**
 * What a capability (auth, realtime, storage, the app's functions) adds to
 * the generated API, the way a Pothos plugin or a yoga `useX` plugin
 * attaches: the schema knows this seam, never the capabilities behind it.
 * `buildSchema` calls `define` in list order once the generated API is
 * defined, so the order of the list is the order of the printed types.
 */
export interface SchemaExtension {
  /** Names the extension in errors. */
  name: string;
  /**
   * Columns the capability owns and writes itself, per model: clients never
   * set them through the generic API (`'never'`, admins included) or only
   * admins do (`'admin'`), whatever the app's rules say. Applied when the
   * rules are compiled (`loadPolicy`).
   */
  managedFields?(datamodel: Datamodel): Record<string, ManagedFields>;
  /** Adds types and fields; `gen` is the built generator (its policy, registry, write pipeline). */
  define?(gen: Generator): void;
}

/** The managed fields of every extension, merged per model. */
export function managedFieldsOf(extensions: readonly SchemaExtension[], datamodel: Datamodel): Record<string, ManagedFields> {
  const merged: Record<string, ManagedFields> = {};
  for (const extension of extensions) {
    for (const [model, fields] of Object.entries(extension.managedFields?.(datamodel) ?? {})) {
      const into = (merged[model] ??= {});
      // Two owners of one column: the stricter answer stands.
      for (const [field, who] of Object.entries(fields)) into[field] = into[field] === 'never' ? 'never' : who;
    }
  }
  return merged;
}
