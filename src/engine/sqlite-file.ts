import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** The file path of a `file:` URL, with its folder created so SQLite can open it. */
export function sqliteFile(databaseUrl: string): string {
  const file = databaseUrl.replace(/^file:/, '').replace(/\?.*$/, '');
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return file;
}
