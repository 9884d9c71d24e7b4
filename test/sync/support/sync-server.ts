import path from 'node:path';
import { loadConfig } from '../../../src/base/config.ts';
import { pushSchema } from '../../../src/engine/migrations.ts';
import { prepareConfigured } from '../../../src/server/prepare-app-schema.ts';
import { createTestDatabase, type Provider, type TestDatabase } from '../../support/databases.ts';
import { type Instance, startInstance } from '../../realtime/support/realtime-instance.ts';

export const schemaPath = path.resolve('test/sync/fixtures/prisma/schema.prisma');
const env = { STRATA_SCHEMA: schemaPath };

/** A fresh database with the sync fixture's schema pushed. */
export async function createSyncDatabase(provider: Provider): Promise<TestDatabase> {
  const database = await createTestDatabase(provider);
  const config = loadConfig({ STRATA_ENV: 'test', DATABASE_URL: database.url, ...env });
  await pushSchema({ databaseUrl: config.databaseUrl, schema: prepareConfigured(config), force: true });
  return database;
}

/** The fixture app (its own rules and app/sync.ts) on a real port: HTTP and graphql-ws. */
export function startSyncServer(databaseUrl: string): Promise<Instance> {
  return startInstance(databaseUrl, env, { policy: undefined });
}

/** A user of the fixture app and a session token for them. */
export async function signIn(server: Instance, email: string): Promise<{ id: number; token: string }> {
  const user = await server.app.db.prisma.user.create({ data: { email } });
  return { id: user.id, token: (await server.app.auth.sessions!.create(user.id)).token };
}
