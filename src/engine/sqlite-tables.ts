import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { sqliteFile } from './sqlite-file.ts';

/**
 * The tables of a SQLite database, read directly: the WebAssembly schema
 * engine fails on SQLite where `_prisma_migrations` does not exist yet,
 * instead of treating the history as empty, so callers check first.
 */
export function sqliteTableNames(databaseUrl: string): string[] {
  const file = sqliteFile(databaseUrl);
  if (file === ':memory:' || !existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  } finally {
    db.close();
  }
}
