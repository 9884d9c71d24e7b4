import type { Config } from '../base/config.ts';
import { createApp } from '../server/create-app.ts';
import { listen, onShutdown } from '../server/listen.ts';
import { createLogger } from '../server/logger.ts';
import { attachWebSocket } from '../server/ws/attach-websocket.ts';
import { listenFailure } from './listen-failure.ts';
import type { CliValues } from './main.ts';

/** `strata start`: production serving. Applies pending migrations only with `--migrate`. */
export async function startCommand(config: Config, values: CliValues): Promise<number> {
  const log = createLogger(config);
  if (values.migrate) {
    const { migrateCommand } = await import('./migrate.ts');
    const code = await migrateCommand(['deploy'], config);
    if (code !== 0) return code;
  }
  const app = await createApp(config, { log });
  let server;
  try {
    server = await listen(app.yoga, config.host, config.port);
  } catch (error) {
    return listenFailure('start', error, config, () => app.close());
  }
  // graphql-ws subscriptions on the same port and path as HTTP.
  const ws = attachWebSocket({ server: server.server, app: () => app, log });
  // Trigger delivery and schedules (STRATA_WORKER=false leaves them to other instances).
  app.functions.startBackground();
  app.backups.start();
  log.info({ url: `${server.url}${config.graphqlPath}` }, 'strata listening');
  onShutdown(log, async () => {
    await ws.close();
    await server.close();
    await app.close();
  });
  return new Promise<number>(() => {});
}
