import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes `<cacheDir>/pothos-types.ts`: re-exports Pothos' generated
 * `PrismaTypes` of the client `hash` names and registers them as the app's
 * model types (`AppTypes` of the `strata-graphql` module, see `src/hooks/app-types.ts`), so app
 * code is type-checked against the current schema once the app's tsconfig
 * includes the file.
 */
export function writeTypesAlias(cacheDir: string, hash: string): void {
  const file = path.join(cacheDir, 'pothos-types.ts');
  const content = [
    '// Written by `strata generate` and `strata dev`: the model types of the current schema, for app code.',
    `import type PrismaTypes from './client/${hash}/pothos-types.ts';`,
    '',
    'export type { PrismaTypes as default };',
    '',
    "declare module 'strata-graphql' {",
    '  interface AppTypes {',
    '    prismaTypes: PrismaTypes;',
    '  }',
    '}',
    '',
  ].join('\n');
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}
