import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../base/config.ts';
import { appModuleUrl } from '../functions/load-app-logic.ts';
import { compilePolicy } from '../permissions/compile-policy.ts';
import type { Rules } from '../permissions/define-rules.ts';
import type { Policy } from '../permissions/policy.ts';
import type { Datamodel } from '../base/datamodel.ts';
import { managedFieldsOf, type SchemaExtension } from '../schema/schema-extension.ts';

/**
 * Loads `<appDir>/rules.ts` and compiles it against the datamodel. Without
 * a rules file every model is admin-only (deny by default). The columns
 * the extensions manage (auth's on the user model, storage's on the file
 * model) are guarded whatever the rules say.
 */
export async function loadPolicy(config: Config, datamodel: Datamodel, extensions: readonly SchemaExtension[] = []): Promise<Policy> {
  const file = config.appDir && path.join(config.appDir, 'rules.ts');
  const rules: Rules = file && existsSync(file) ? ((await import(appModuleUrl(file))).default as Rules) : {};
  const fields = Object.fromEntries(datamodel.models.map((m) => [m.name, m.fields.map((f) => f.name)]));
  return compilePolicy(rules, fields, { managedFields: managedFieldsOf(extensions, datamodel) });
}
