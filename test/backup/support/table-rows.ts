import Database from 'better-sqlite3';
import pg from 'pg';
import { sqliteFile } from '../../../src/engine/sqlite-file.ts';

/** Every row of every table of a database, as JSON text per row, sorted: two databases with equal results hold the same data. */
export async function tableRows(databaseUrl: string): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  const sorted = (rows: unknown[]) => rows.map((row) => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).sort();
  if (databaseUrl.startsWith('file:')) {
    const db = new Database(sqliteFile(databaseUrl), { readonly: true, fileMustExist: true });
    try {
      db.defaultSafeIntegers(true);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
      for (const table of tables) result[table] = sorted(db.prepare(`SELECT * FROM "${table}"`).all());
    } finally {
      db.close();
    }
    return result;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1");
    for (const { name } of rows) result[name] = sorted((await client.query(`SELECT * FROM public.${client.escapeIdentifier(name)}`)).rows);
  } finally {
    await client.end();
  }
  return result;
}
