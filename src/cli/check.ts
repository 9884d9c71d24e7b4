import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../base/config.ts';
import type { CliValues } from './main.ts';
import { renderSdl, sdlPath } from './sdl.ts';

/** `strata check`: fails when the committed SDL differs from what the schema produces. */
export async function checkCommand(config: Config, values: CliValues): Promise<number> {
  const file = sdlPath(config, values.sdl);
  const expected = await renderSdl(config);
  const relative = path.relative(config.root, file);
  if (!existsSync(file)) {
    console.error(`${relative} is missing: run \`strata generate\``);
    return 1;
  }
  if (readFileSync(file, 'utf8') !== expected) {
    console.error(`${relative} is out of date with ${path.relative(config.root, config.schemaPath)}: run \`strata generate\``);
    return 1;
  }
  console.log(`${relative} is up to date`);
  return 0;
}
