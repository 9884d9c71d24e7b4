/**
 * `npm run bench -- --scenario pipeline`: what one request costs Strata
 * before any SQL. In process (`yoga.fetch`, no sockets, so the figures are
 * the GraphQL pipeline alone), interleaved rounds of:
 * - a bare graphql-yoga with one constant resolver, with yoga's defaults and
 *   with its CORS plugin and body-size stream off (as Strata configures it);
 * - Strata's yoga with all its plugins, answering `{ __typename }` (no root
 *   resolver) and `{ viewer { id } }` (a root field through graphql-shield's
 *   middleware; anonymous, so no SQL), and a Q4-shaped selection under it
 *   (the per-document checks walk a realistic document);
 * - the same schema without graphql-shield's middleware (applyOperationRules skipped).
 * No database is read: the app opens a SQLite file it never queries.
 *
 * Options: --duration 3 (s per run) --rounds 3 --concurrency 16 --only <part of a variant's name>.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSchema, createYoga } from 'graphql-yoga';
import { loadConfig } from '../src/base/config.ts';
import { authSchemaExtension } from '../src/auth/schema/define-auth-schema.ts';
import { subscriptionsExtension } from '../src/realtime/schema/define-subscriptions.ts';
import { fileSchemaExtension } from '../src/storage/schema/define-file-schema.ts';
import { buildSchema } from '../src/schema/build-schema.ts';
import { createApp } from '../src/server/create-app.ts';
import { createStrataYoga } from '../src/server/create-yoga.ts';
import { loadPolicy } from '../src/server/load-policy.ts';
import { log } from './lib/util.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const workDir = path.join(benchDir, '.work');

const DEEP = '{ viewer { id name posts(take: 3, orderBy: [{ id: asc }]) { id title comments(take: 2, orderBy: [{ id: asc }]) { id body author { id name } } } } }';

type Fetch = (url: string, init: RequestInit) => Promise<Response> | Response;

interface Variant {
  name: string;
  fetch: Fetch;
  query: string;
  expect: string;
}

/** Sends `query` from `concurrency` loops for `seconds`; returns requests/s and CPU µs per request of this process. */
async function drive(v: Variant, concurrency: number, seconds: number): Promise<{ rps: number; cpuUs: number }> {
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: v.query }) };
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const loop = async () => {
    while (performance.now() < deadline) {
      const response = await v.fetch('http://127.0.0.1/graphql', init);
      const text = await response.text();
      if (count === 0 && text !== v.expect) throw new Error(`${v.name} answered ${response.status} ${text.slice(0, 300)}, expected ${v.expect}`);
      count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { rps: count / elapsed, cpuUs: (used.user + used.system) / Math.max(1, count) };
}

export async function runPipeline(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '16' },
      // Runs only the variants whose name contains this text (to profile one: node --cpu-prof ...).
      only: { type: 'string', default: '' },
    },
  });
  const seconds = Number(values.duration);
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);
  mkdirSync(workDir, { recursive: true });
  const config = loadConfig({
    STRATA_ENV: 'production',
    DATABASE_URL: `file:${path.join(workDir, 'pipeline.db')}`,
    LOG_LEVEL: 'silent',
    STRATA_GRAPHIQL: 'false',
    STRATA_APP_DIR: path.join(benchDir, 'app'),
    STRATA_CACHE_DIR: path.join(workDir, 'strata-cache-sqlite'),
    S3_BUCKET: 'strata-bench',
    S3_ENDPOINT: 'http://127.0.0.1:9',
    STRATA_STORAGE_SWEEP_INTERVAL_SECONDS: '0',
    STRATA_RATE_LIMIT: 'false',
  });
  log('building the app (the first run generates its Prisma client)');
  const app = await createApp(config);
  try {
    // The app's schema without graphql-shield: the same extensions, in the same order, as createApp.
    const extensions = [subscriptionsExtension, authSchemaExtension({ auth: app.auth, userModel: config.auth.userModel, changes: app.realtime }), fileSchemaExtension(app.storage), app.functions.extension];
    const unshielded = buildSchema({
      datamodel: app.datamodel,
      limits: config.limits,
      dbNull: app.db.Prisma.DbNull,
      policy: await loadPolicy(config, app.datamodel, extensions),
      hooks: app.functions.hooks,
      extensions,
    });
    const noShield = createStrataYoga({ config, schema: unshielded, prisma: app.db.prisma, log: app.log, auth: app.auth, realtime: app.realtime, functions: app.functions, storage: app.storage });
    const helloSchema = createSchema({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
    const bare = createYoga({ schema: helloSchema, logging: false, landingPage: false, graphiql: false });
    // Strata turns off yoga's CORS plugin and its body-size stream (it has its own of both): the same here.
    const lean = createYoga({ schema: helloSchema, logging: false, landingPage: false, graphiql: false, cors: false, maxRequestBodySize: false });
    const variants: Variant[] = [
      { name: 'bare yoga, { hello }', fetch: (u, i) => bare.fetch(u, i), query: '{ hello }', expect: '{"data":{"hello":"world"}}' },
      { name: 'bare yoga, no CORS/body stream, { hello }', fetch: (u, i) => lean.fetch(u, i), query: '{ hello }', expect: '{"data":{"hello":"world"}}' },
      { name: 'Strata, { __typename }', fetch: (u, i) => app.yoga.fetch(u, i), query: '{ __typename }', expect: '{"data":{"__typename":"Query"}}' },
      { name: 'Strata, { viewer { id } }', fetch: (u, i) => app.yoga.fetch(u, i), query: '{ viewer { id } }', expect: '{"data":{"viewer":null}}' },
      // Q4's shape under the anonymous viewer (null, so no SQL): every per-document check walks a realistic selection.
      { name: 'Strata, Q4-shaped { viewer { ... } }', fetch: (u, i) => app.yoga.fetch(u, i), query: DEEP, expect: '{"data":{"viewer":null}}' },
      { name: 'Strata without shield, { viewer { id } }', fetch: (u, i) => noShield.fetch(u, i), query: '{ viewer { id } }', expect: '{"data":{"viewer":null}}' },
    ];
    if (values.only) variants.splice(0, variants.length, ...variants.filter((v) => v.name.includes(values.only!)));
    if (variants.length === 0) throw new Error(`--only "${values.only}" matches no variant`);
    const results = new Map<string, { rps: number; cpuUs: number }[]>();
    for (const v of variants) await drive(v, concurrency, 1); // warm-up
    for (let round = 1; round <= rounds; round++) {
      for (const v of variants) {
        const r = await drive(v, concurrency, seconds);
        results.set(v.name, [...(results.get(v.name) ?? []), r]);
        log(`round ${round} ${v.name.padEnd(46)} ${r.rps.toFixed(0).padStart(6)} req/s  ${r.cpuUs.toFixed(0)} µs CPU/req`);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const base = median(results.get(variants[0].name)!.map((r) => r.rps));
    const lines = [
      `Per-request pipeline, in process (yoga.fetch), ${concurrency} concurrent loops, ${rounds} rounds of ${seconds} s, median; ` +
        `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, load average ${os.loadavg()[0].toFixed(1)}, Node ${process.version}:`,
      '',
      '| variant | req/s | µs CPU/req | vs bare yoga |',
      '|---|---:|---:|---:|',
      ...variants.map((v) => {
        const rs = results.get(v.name)!;
        const rps = median(rs.map((r) => r.rps));
        return `| ${v.name} | ${rps.toFixed(0)} | ${median(rs.map((r) => r.cpuUs)).toFixed(0)} | ${(rps / base).toFixed(2)} |`;
      }),
    ];
    process.stdout.write(`\n${lines.join('\n')}\n`);
    return 0;
  } finally {
    await app.close();
  }
}
