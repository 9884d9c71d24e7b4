import { spawn } from 'node:child_process';

/**
 * libpq environment for a PostgreSQL URL. The password travels in
 * `PGPASSWORD`, never on the command line (where `ps` shows it), and
 * Prisma-only query parameters (`schema`, `connection_limit`...) are dropped
 * because pg_dump refuses unknown ones.
 */
export function libpqEnv(databaseUrl: string): Record<string, string> {
  const url = new URL(databaseUrl);
  const env: Record<string, string> = {};
  const set = (name: string, value: string | null | undefined) => {
    if (value) env[name] = value;
  };
  set('PGHOST', url.searchParams.get('host') ?? decodeURIComponent(url.hostname));
  set('PGPORT', url.port);
  set('PGUSER', decodeURIComponent(url.username));
  set('PGPASSWORD', decodeURIComponent(url.password));
  set('PGDATABASE', decodeURIComponent(url.pathname.replace(/^\//, '')));
  set('PGSSLMODE', url.searchParams.get('sslmode'));
  set('PGSSLROOTCERT', url.searchParams.get('sslrootcert'));
  set('PGAPPNAME', 'strata-backup');
  return env;
}

/** The Prisma `schema` parameter of a URL (pg_dump's `--schema`), if any. */
export function pgSchemaOf(databaseUrl: string): string | null {
  return new URL(databaseUrl).searchParams.get('schema');
}

/**
 * Runs a PostgreSQL client program (pg_dump, pg_restore) against `databaseUrl`.
 * Rejects with its stderr when it exits non-zero or cannot start (the
 * `postgresql-client` package is missing).
 */
export function runPgTool(program: 'pg_dump' | 'pg_restore', args: string[], databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Only what libpq and the program need: the server's own environment may hold other secrets.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...libpqEnv(databaseUrl) };
    const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString();
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error(`${program} is not installed (Debian: apt-get install postgresql-client)`) : error);
    });
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${program} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}
