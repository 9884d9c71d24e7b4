import { watch } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { type Config, providerOf } from '../config.ts';
import { prepareSchema } from '../engine/prepare-schema.ts';
import { pushSchema } from '../engine/migrations.ts';
import { type App, createApp } from '../server/create-app.ts';
import { listen, onShutdown } from '../server/listen.ts';
import { createLogger } from '../server/logger.ts';
import type { CliValues } from './main.ts';
import { renderSdl, sdlPath, writeSdl } from './sdl.ts';

/**
 * `strata dev`: generate, push, serve, and on every change of the schema do
 * it again and swap the running API in place (the port stays open).
 */
export async function devCommand(config: Config, values: CliValues): Promise<number> {
  const log = createLogger(config);
  let current: App | undefined;

  const build = async () => {
    const prepared = prepareSchema(config.schemaPath, providerOf(config.databaseUrl));
    const pushed = await pushSchema({ databaseUrl: config.databaseUrl, schema: prepared, force: !!values['accept-data-loss'] });
    const app = await createApp(config, { log });
    if (values.schema === undefined) writeSdl(sdlPath(config), await renderSdl(config));
    const previous = current;
    current = app;
    await previous?.close();
    return pushed;
  };

  const first = await build();
  const handler = (req: IncomingMessage, res: ServerResponse) => current!.yoga(req, res);
  const server = await listen(handler, config.host, config.port);
  const where = config.databaseUrl.startsWith('file:') ? config.databaseUrl : 'PostgreSQL (DATABASE_URL)';
  console.log(`Strata dev server on ${where} (${first.executedSteps} schema steps applied)`);
  console.log(`GraphQL API and GraphiQL: ${server.url}${config.graphqlPath}`);
  console.log(`Watching ${config.schemaPath} for changes`);

  let queued: NodeJS.Timeout | undefined;
  let chain = Promise.resolve();
  const target = path.basename(config.schemaPath);
  const isDir = !config.schemaPath.endsWith('.prisma');
  const watcher = watch(isDir ? config.schemaPath : path.dirname(config.schemaPath), { recursive: isDir }, (_event, file) => {
    if (!isDir && file !== target) return;
    if (isDir && !String(file).endsWith('.prisma')) return;
    // Editors write a file in several events; rebuild once they settle.
    clearTimeout(queued);
    queued = setTimeout(() => {
      chain = chain.then(async () => {
        try {
          const pushed = await build();
          console.log(`Schema changed: regenerated, ${pushed.executedSteps} schema steps applied, API reloaded`);
        } catch (error) {
          console.error(`Schema change not applied, still serving the previous API:\n${(error as Error).message}`);
        }
      });
    }, 150);
  });

  onShutdown(log, async () => {
    watcher.close();
    await server.close();
    await current?.close();
  });
  return new Promise<number>(() => {});
}
