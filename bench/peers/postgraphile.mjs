// PostGraphile v5 peer: the amber preset, @graphile/simplify-inflection and the
// connection-filter plugin (for Q2/Q5/Q6 range filters), on node:http through
// grafserv. Production settings: no GraphiQL, no watch, no explain.
// Env: DATABASE_URL, PORT, HOST, DATABASE_POOL_SIZE. Runs on Node >= 22.
import { createServer } from 'node:http';
import { PgSimplifyInflectionPreset } from '@graphile/simplify-inflection';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { PostGraphileConnectionFilterPreset } from 'postgraphile-plugin-connection-filter';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
pool.on('error', (error) => console.error('idle client error', error.message));

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset, PostGraphileConnectionFilterPreset],
  pgServices: [makePgService({ pool, schemas: ['public'], pubsub: false })],
  grafserv: { graphiql: false, watch: false, graphqlPath: '/graphql', maxRequestLength: 1_000_000 },
  grafast: { explain: false },
  // Filter and order by every column, as Strata's API does (PostGraphile's documented way to ignore indexes).
  disablePlugins: ['PgIndexBehaviorsPlugin'],
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (error) => {
  console.error(error);
  process.exit(1);
});
await serv.addTo(server);

if (process.env.PRINT_SCHEMA) {
  const { printSchema } = await import('postgraphile/graphql');
  const { schema } = await pgl.getSchemaResult();
  console.log(printSchema(schema));
  process.exit(0);
}

server.listen(Number(process.env.PORT ?? 5000), process.env.HOST ?? '127.0.0.1', () => {
  console.error(`postgraphile listening on ${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? 5000}`);
});

const stop = async () => {
  server.close();
  await pgl.release().catch(() => {});
  await pool.end().catch(() => {});
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
