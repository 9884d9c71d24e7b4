import { loadConfig } from '../../../src/base/config.ts';
import { pushSchema } from '../../../src/engine/migrations.ts';
import { prepareConfigured } from '../../../src/server/prepare-app-schema.ts';
import { allowAll } from '../../../src/permissions/policy.ts';
import { type App, type CreateAppOptions, createApp } from '../../../src/server/create-app.ts';
import { type Listening, listen } from '../../../src/server/listen.ts';
import { attachWebSocket, type WebSocketEndpoint } from '../../../src/server/ws/attach-websocket.ts';
import { createTestDatabase, type Provider, type TestDatabase } from '../../support/databases.ts';

type Stats = ReturnType<App['realtime']['feed']['stats']> & { feedSubscriptions: number; shared: { operations: number; readers: number } };

/** One Strata instance on a real port: HTTP, SSE and graphql-ws on the same path. */
export interface Instance {
  app: App;
  listening: Listening;
  ws: WebSocketEndpoint;
  /** http://127.0.0.1:<port>/graphql */
  httpUrl: string;
  /** ws://127.0.0.1:<port>/graphql */
  wsUrl: string;
  /**
   * Resolves once the state satisfies `test` (checked on every subscribe/unsubscribe). `subscriptions`
   * counts client operations: identical websocket subscriptions share one feed subscription.
   */
  until(test: (stats: Stats) => boolean): Promise<void>;
  /** Resolves once `n` websocket connections are open. */
  untilConnections(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A fresh database of `provider` with the example schema (and auth tables) pushed. */
export async function createRealtimeDatabase(provider: Provider): Promise<TestDatabase> {
  const database = await createTestDatabase(provider);
  const config = loadConfig({ STRATA_ENV: 'test', DATABASE_URL: database.url });
  await pushSchema({
    databaseUrl: config.databaseUrl,
    schema: prepareConfigured(config),
    force: true,
  });
  return database;
}

/** Starts an app on `databaseUrl` listening on 127.0.0.1:0, with the raw (open) policy unless given. */
export async function startInstance(databaseUrl: string, env: Record<string, string> = {}, options: CreateAppOptions = {}): Promise<Instance> {
  const config = loadConfig({ STRATA_ENV: 'test', DATABASE_URL: databaseUrl, PORT: '0', ...env });
  const app = await createApp(config, { policy: allowAll, recordStatements: true, ...options });
  const listening = await listen(app.handle, '127.0.0.1', 0);
  const ws = attachWebSocket({ server: listening.server, app: () => app, log: app.log });
  const httpUrl = `${listening.url}${config.graphqlPath}`;
  return {
    app,
    listening,
    ws,
    httpUrl,
    wsUrl: httpUrl.replace(/^http/, 'ws'),
    until: (test) =>
      new Promise((resolve) => {
        const stats = (): Stats => {
          const feed = app.realtime.feed.stats();
          const shared = ws.shared();
          return { ...feed, feedSubscriptions: feed.subscriptions, subscriptions: feed.subscriptions - shared.operations + shared.readers, shared };
        };
        if (test(stats())) return resolve();
        const check = () => {
          if (!test(stats())) return;
          stopFeed();
          stopWs();
          resolve();
        };
        const stopFeed = app.realtime.feed.watch(check);
        const stopWs = ws.watch(check);
      }),
    untilConnections: (n) =>
      new Promise((resolve) => {
        if (ws.connections === n) return resolve();
        const stop = ws.watch(() => {
          if (ws.connections !== n) return;
          stop();
          resolve();
        });
      }),
    async close() {
      await ws.close();
      await listening.close(1_000);
      await app.close();
    },
  };
}
