import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import Database from 'better-sqlite3';
import pg from 'pg';
import { providerOf } from '../base/config.ts';
import { sqliteFile } from '../engine/sqlite-file.ts';
import { pgSchemaOf, runPgTool } from './pg-tools.ts';
import type { BackupKind } from './snapshot-database.ts';

/** Thrown when a restore would overwrite data and was not forced. */
export class DatabaseNotEmptyError extends Error {
  constructor(readonly table: string) {
    super(`the database is not empty (table "${table}" has rows): restore refuses to overwrite it unless forced (--force)`);
    this.name = 'DatabaseNotEmptyError';
  }
}

// Prisma's migration ledger alone does not make a database worth protecting.
const IGNORED_TABLES = new Set(['_prisma_migrations']);

/** The kind of a backup file, from its first bytes (gzip or pg_dump's "PGDMP"). */
export async function backupKindOf(file: string): Promise<BackupKind> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(5), 0, 5, 0);
    if (bytesRead >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) return 'sqlite';
    if (bytesRead === 5 && buffer.toString('latin1') === 'PGDMP') return 'postgresql';
  } finally {
    await handle.close();
  }
  throw new Error('not a Strata backup (neither a gzipped SQLite file nor a pg_dump archive)');
}

/** The first table holding a row, or null when the database has no data. */
export async function firstNonEmptyTable(databaseUrl: string): Promise<string | null> {
  if (providerOf(databaseUrl) === 'sqlite') {
    const file = sqliteFile(databaseUrl);
    if (!existsSync(file)) return null;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
      for (const table of tables) {
        if (!IGNORED_TABLES.has(table) && db.prepare(`SELECT 1 FROM "${table.replace(/"/g, '""')}" LIMIT 1`).get()) return table;
      }
      return null;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const schema = pgSchemaOf(databaseUrl);
    const { rows } = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') AND ($1::text IS NULL OR table_schema = $1)`,
      [schema],
    );
    for (const { schema: s, name } of rows) {
      if (IGNORED_TABLES.has(name)) continue;
      const quoted = `${client.escapeIdentifier(s)}.${client.escapeIdentifier(name)}`;
      if ((await client.query(`SELECT 1 FROM ${quoted} LIMIT 1`)).rowCount) return name;
    }
    return null;
  } finally {
    await client.end();
  }
}

export interface RestoreBackupOptions {
  databaseUrl: string;
  /** The backup's data file (downloaded from the bucket, or given on the command line). */
  file: string;
  /** Overwrite a database that holds data. @default false */
  force?: boolean;
}

/**
 * Restores a backup file into the database of `databaseUrl`, refusing a
 * database that holds rows unless `force`. SQLite: the file is unpacked and
 * copied in with SQLite's backup API (one write transaction, so readers see
 * the old or the new database). PostgreSQL: pg_restore in a single
 * transaction, dropping the archived objects first.
 */
export async function restoreBackup({ databaseUrl, file, force = false }: RestoreBackupOptions): Promise<void> {
  const kind = await backupKindOf(file);
  const provider = providerOf(databaseUrl);
  if (kind !== provider) throw new Error(`this is a ${kind} backup and DATABASE_URL points at ${provider}`);
  if (!force) {
    const table = await firstNonEmptyTable(databaseUrl);
    if (table) throw new DatabaseNotEmptyError(table);
  }
  if (kind === 'postgresql') {
    // Dropping the archived objects first is safe here: the database holds no rows, or the caller forced it.
    // It lets a restore land on a database whose (empty) tables `strata dev` or migrations already created.
    await runPgTool('pg_restore', ['--no-owner', '--no-acl', '--single-transaction', '--exit-on-error', '--clean', '--if-exists', `--dbname=${pgDatabaseName(databaseUrl)}`, file], databaseUrl);
    return;
  }
  const unpacked = `${file}.sqlite`;
  try {
    await pipeline(createReadStream(file), createGunzip(), createWriteStream(unpacked));
    const source = new Database(unpacked, { fileMustExist: true });
    try {
      const check = source.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the backup is damaged: ${String(check)}`);
      await source.backup(sqliteFile(databaseUrl));
    } finally {
      source.close();
    }
  } finally {
    await rm(unpacked, { force: true });
  }
}

/** pg_restore needs `--dbname` (libpq reads everything else from the environment). */
function pgDatabaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}
