import type { Config } from '../base/config.ts';
import { createApp } from '../server/create-app.ts';
import { onShutdown } from '../server/listen.ts';
import { createLogger } from '../server/logger.ts';
import { serveApp } from '../server/serve-app.ts';
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
  let served;
  try {
    served = await serveApp({ app, host: config.host, port: config.port, log });
  } catch (error) {
    return listenFailure('start', error, config, () => app.close());
  }
  log.info({ url: `${served.url}${config.graphqlPath}` }, 'strata listening');
  onShutdown(log, () => served.close());
  return new Promise<number>(() => {});
}
