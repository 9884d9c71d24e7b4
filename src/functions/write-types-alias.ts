import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes `<cacheDir>/pothos-types.ts`, re-exporting Pothos' generated
 * `PrismaTypes` of the client `hash` names, so app code is type-checked
 * against the current schema (see `src/hooks/app-types.ts`).
 */
export function writeTypesAlias(cacheDir: string, hash: string): void {
  const file = path.join(cacheDir, 'pothos-types.ts');
  const content = `// Written by \`strata generate\` and \`strata dev\`: the model types of the current schema, for app code.\nexport type { default } from './client/${hash}/pothos-types.ts';\n`;
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}
