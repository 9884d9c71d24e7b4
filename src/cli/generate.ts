import path from 'node:path';
import type { Config } from '../base/config.ts';
import { generateClient } from '../engine/generate-client.ts';
import { prepareConfigured } from '../server/prepare-app-schema.ts';
import { writeTypesAlias } from '../functions/write-types-alias.ts';
import type { CliValues } from './main.ts';
import { renderSdl, sdlPath, writeSdl } from './sdl.ts';

/** `strata generate`: Prisma client and Pothos types into the cache, and the printed SDL. */
export async function generateCommand(config: Config, values: CliValues): Promise<number> {
  const prepared = prepareConfigured(config, true);
  const generated = await generateClient(prepared, config.cacheDir);
  if (values.schema === undefined) writeTypesAlias(config.cacheDir, prepared.hash);
  const file = sdlPath(config, values.sdl);
  const changed = writeSdl(file, await renderSdl(config, prepared));
  console.log(`Prisma client and Pothos types: ${path.relative(config.root, generated.dir)}`);
  console.log(`GraphQL schema: ${path.relative(config.root, file)}${changed ? '' : ' (unchanged)'}`);
  return 0;
}
