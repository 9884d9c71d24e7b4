import { pathToFileURL } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Logger } from 'pino';
import { providerOf } from '../base/config.ts';
import type { PrismaLike } from '../base/context.ts';
import { createPgPool } from './pg-pool.ts';
import { withNestedCountOrderFix } from './nested-count-order.ts';
import { createStatementNames } from './statement-names.ts';
import { sqliteFile } from './sqlite-file.ts';
import { instrumentAdapter, instrumentQuery } from '../metrics/instrument-adapter.ts';

/** An open database: the Prisma client of the user's schema and its namespace. */
export interface Database {
  prisma: PrismaLike;
  /** The generated `Prisma` namespace (DbNull, error classes...). */
  Prisma: Record<string, any>;
  /** Statements run since start, with their SQL, when `recordStatements` is on (tests and benchmarks catch N+1 queries with it). */
  statements: { count: number; log: string[] };
  /**
   * Runs one read statement (numbered `$n` placeholders on PostgreSQL, `?` on
   * SQLite) and returns its rows. On PostgreSQL it goes to the pool directly,
   * named like Prisma's own statements (parsed once per connection), skipping
   * the client's per-call work; statements are counted like Prisma's.
   */
  readRows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** The generated client's `client.ts`. */
  clientEntry: string;
  databaseUrl: string;
  /** Pool size for PostgreSQL. @default 10 */
  poolSize?: number;
  log: Logger;
  /** Count statements and keep their SQL in `statements`. @default false */
  recordStatements?: boolean;
  /** Prepare each distinct PostgreSQL statement once per connection (off for poolers that cannot keep them). @default true */
  preparedStatements?: boolean;
  /** Count, time and trace every statement (metrics or tracing on). @default false */
  instrument?: boolean;
}

/** Imports the generated Prisma client and connects it through the driver adapter for the URL. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { PrismaClient, Prisma } = await import(pathToFileURL(options.clientEntry).href);
  let closePool = async () => {};
  let poolQuery: ((sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>) | undefined;
  const sqlite = providerOf(options.databaseUrl) === 'sqlite';
  let adapter;
  if (sqlite) {
    adapter = new PrismaBetterSqlite3({ url: sqliteFile(options.databaseUrl) });
  } else {
    const prepared = options.preparedStatements !== false;
    const pool = createPgPool(options.databaseUrl, { max: options.poolSize ?? 10, disableJit: prepared });
    pool.on('error', (error) => options.log.error({ err: error }, 'idle database connection failed'));
    // Prisma's statements run unnamed, so each is planned for its own values: a generic plan of its nested reads
    // with LIMIT parameters cost PostgreSQL 2.5 times as much. The read lane's statements (page sizes written as
    // literals) are prepared once per connection and may use PostgreSQL's generic plans, which halve their cost.
    adapter = new PrismaPg(pool);
    const names = prepared ? createStatementNames() : () => undefined;
    const query = async (sql: string, params: unknown[]) => (await pool.query({ text: sql, values: params, name: names({ sql }) })).rows as Record<string, unknown>[];
    poolQuery = options.instrument ? instrumentQuery(query, 'postgresql') : query;
    closePool = () => pool.end();
  }
  if (options.instrument) adapter = instrumentAdapter(adapter, sqlite ? 'sqlite' : 'postgresql');
  // Query events cost every statement an event object (with its parameters as JSON): only tests and benchmarks ask.
  const client = new PrismaClient({ adapter, log: options.recordStatements ? [{ emit: 'event', level: 'query' }] : [] });
  const statements = { count: 0, log: [] as string[] };
  if (options.recordStatements) {
    client.$on('query', (event: { query: string }) => {
      statements.count += 1;
      statements.log.push(event.query);
    });
  }
  // relationJoins (and its SQL bug) exists on PostgreSQL only.
  const prisma = sqlite ? client : withNestedCountOrderFix(client);
  const readRows = poolQuery
    ? (sql: string, params: unknown[]) => {
        if (options.recordStatements) {
          statements.count += 1;
          statements.log.push(sql);
        }
        return poolQuery(sql, params);
      }
    : async (sql: string, params: unknown[]) => (await prisma.$queryRawUnsafe(sql, ...params)) as Record<string, unknown>[];
  return {
    prisma,
    Prisma,
    statements,
    readRows,
    close: async () => {
      await client.$disconnect();
      await closePool();
    },
  };
}
