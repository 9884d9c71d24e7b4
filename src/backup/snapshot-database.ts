import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import Database from 'better-sqlite3';
import { providerOf } from '../base/config.ts';
import { sqliteFile } from '../engine/sqlite-file.ts';
import { pgSchemaOf, runPgTool } from './pg-tools.ts';

/** What a backup holds: a gzipped SQLite file, or a pg_dump custom-format archive. */
export type BackupKind = 'sqlite' | 'postgresql';

/** File name ending of each kind's data object. */
export const backupExtension: Record<BackupKind, string> = { sqlite: '.sqlite.gz', postgresql: '.pgdump' };

/**
 * Writes a consistent snapshot of the live database to `file`, without
 * stopping writers. SQLite: `VACUUM INTO` copies the database inside one
 * read transaction (writers wait for the copy to finish, or carry on in WAL
 * mode), then the copy is gzipped. PostgreSQL: `pg_dump` reads everything in
 * one repeatable-read snapshot.
 */
export async function snapshotDatabase(databaseUrl: string, file: string): Promise<BackupKind> {
  const kind = providerOf(databaseUrl);
  if (kind === 'postgresql') {
    const schema = pgSchemaOf(databaseUrl);
    await runPgTool('pg_dump', ['--format=custom', '--no-owner', '--no-acl', ...(schema ? [`--schema=${schema}`] : []), `--file=${file}`], databaseUrl);
    return kind;
  }
  const raw = `${file}.raw`;
  const db = new Database(sqliteFile(databaseUrl), { fileMustExist: true, timeout: 10_000 });
  try {
    db.prepare('VACUUM INTO ?').run(raw);
  } finally {
    db.close();
  }
  try {
    await pipeline(createReadStream(raw), createGzip(), createWriteStream(file));
  } finally {
    await rm(raw, { force: true });
  }
  return kind;
}
