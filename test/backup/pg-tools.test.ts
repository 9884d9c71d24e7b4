import { describe, expect, it } from 'vitest';
import { libpqEnv, pgSchemaOf } from '../../src/backup/pg-tools.ts';

describe('PostgreSQL client tool environment', () => {
  it('passes the password in PGPASSWORD, decoded, and drops Prisma-only parameters', () => {
    const url = 'postgresql://app%40corp:p%40ss%2Fw0rd@db.internal:6543/my_db?schema=tenant&connection_limit=5&sslmode=require';
    expect(libpqEnv(url)).toEqual({ PGHOST: 'db.internal', PGPORT: '6543', PGUSER: 'app@corp', PGPASSWORD: 'p@ss/w0rd', PGDATABASE: 'my_db', PGSSLMODE: 'require', PGAPPNAME: 'strata-backup' });
    expect(pgSchemaOf(url)).toBe('tenant');
  });

  it('reads a socket directory given as the host parameter', () => {
    expect(libpqEnv('postgresql://u@localhost/db?host=/var/run/postgresql')).toMatchObject({ PGHOST: '/var/run/postgresql', PGDATABASE: 'db' });
  });
});
