import { existsSync, watch } from 'node:fs';
import path from 'node:path';
import type { Config } from '../base/config.ts';
import { prepareConfigured } from '../server/prepare-app-schema.ts';
import { pushSchema } from '../engine/migrations.ts';
import { type App, createApp } from '../server/create-app.ts';
import { onShutdown } from '../server/listen.ts';
import { type ServedApp, serveApp } from '../server/serve-app.ts';
import { createLogger } from '../server/logger.ts';
import { devLogDestination } from './dev-log.ts';
import { writeTypesAlias } from '../functions/write-types-alias.ts';
import { startEmbeddedS3 } from '../storage/embedded-s3.ts';
import { accessHint } from './access-hint.ts';
import { listenFailure } from './listen-failure.ts';
import { appCodeBanner } from './app-code-banner.ts';
import { reloadAppCode } from '../functions/load-app-logic.ts';
import type { CliValues } from './main.ts';
import { renderSdl, sdlPath, writeSdl } from './sdl.ts';

/**
 * `strata dev`: generate, push, serve, and on every change of the schema do
 * it again and swap the running API in place (the port stays open).
 */
export async function devCommand(config: Config, values: CliValues): Promise<number> {
  const log = createLogger(config, devLogDestination());
  // No S3 configured: an embedded s3rver on a free port, its objects kept beside the dev database.
  const s3 = config.storage.embedded ? await startEmbeddedS3({ directory: config.storage.embeddedDir, bucket: config.storage.bucket }) : undefined;
  if (s3) config = { ...config, storage: s3.configure(config.storage) };
  let served: ServedApp | undefined;

  /** Builds the app; the first build is served below, later ones replace the served app in place. */
  const build = async (): Promise<{ app: App; executedSteps: number }> => {
    const prepared = prepareConfigured(config);
    const pushed = await pushSchema({ databaseUrl: config.databaseUrl, schema: prepared, force: !!values['accept-data-loss'] });
    const app = await createApp(config, { log });
    if (values.schema === undefined) {
      try {
        writeSdl(sdlPath(config), await renderSdl(config));
        writeTypesAlias(config.cacheDir, prepared.hash);
      } catch (error) {
        await app.close();
        throw error;
      }
    }
    await served?.swap(app);
    return { app, executedSteps: pushed.executedSteps };
  };

  // The embedded store would keep the process alive after a failed first build.
  const first = await build().catch(async (error) => {
    await s3?.close();
    throw error;
  });
  try {
    served = await serveApp({ app: first.app, host: config.host, port: config.port, log });
  } catch (error) {
    return listenFailure('dev', error, config, async () => {
      await first.app.close();
      await s3?.close();
    });
  }
  const current = () => served!.current();
  const where = config.databaseUrl.startsWith('file:') ? config.databaseUrl : 'PostgreSQL (DATABASE_URL)';
  console.log(`Strata dev server on ${where} (${first.executedSteps} schema steps applied)`);
  console.log(`GraphQL API and GraphiQL: ${served.url}${config.graphqlPath}`);
  console.log(`Watching ${config.schemaPath} for changes`);
  for (const line of appCodeBanner(config, current().auth.user !== null)) console.log(line);
  for (const line of accessHint(config, current().auth.oauth !== null)) console.log(line);
  if (s3) console.log(`File storage: embedded S3 (s3rver, development only) at ${s3.endpoint}, bucket ${s3.bucket}, objects in ${s3.directory}`);

  let queued: NodeJS.Timeout | undefined;
  let chain = Promise.resolve();
  // Rules, hooks and functions reload like the schema: the next build imports every app file afresh.
  let appTimer: NodeJS.Timeout | undefined;
  const appWatcher = config.appDir && existsSync(config.appDir)
    ? watch(config.appDir, { recursive: true }, (_event, file) => {
        if (!/\.(ts|mts|js|mjs)$/.test(String(file))) return;
        clearTimeout(appTimer);
        appTimer = setTimeout(() => {
          chain = chain.then(async () => {
            reloadAppCode();
            try {
              await build();
              console.log(`App code changed (${file}): rules, hooks and functions reloaded`);
            } catch (error) {
              console.error(`App code change not applied, still serving the previous API:\n${(error as Error).message}`);
            }
          });
        }, 150);
      })
    : undefined;
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
    appWatcher?.close();
    await served!.close();
    await s3?.close();
  });
  return new Promise<number>(() => {});
}
