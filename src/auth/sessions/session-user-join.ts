import type { DmmfModel } from '../../base/datamodel.ts';

/** The user row a session joins to: the columns auth needs to build a viewer. */
export interface SessionUser {
  id: string | number;
  email: string;
  role: string;
}

/**
 * How to read a session and its user in one statement: the SQL (one
 * parameter, the session id) and the database it is written for. The
 * session table holds the user's id as a plain column (no Prisma relation,
 * see auth-tables.ts), so Prisma's `include` cannot join them.
 */
export interface SessionUserJoin {
  sql: string;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const dbName = (x: { name: string; dbName?: string | null }) => quote(x.dbName ?? x.name);

/**
 * Builds the join of `strata_session` with the user model's table, using
 * the model's mapped table and column names. The role is read as text
 * (a PostgreSQL enum has its own type).
 */
export function createSessionUserJoin(model: DmmfModel, fields: { id: string; email: string; role: string }, provider: 'sqlite' | 'postgresql'): SessionUserJoin {
  const column = (name: string) => {
    const field = model.fields.find((f) => f.name === name);
    if (!field) throw new Error(`${model.name}.${name} is missing`);
    return `u.${dbName(field as { name: string; dbName?: string | null })}`;
  };
  const role = provider === 'postgresql' ? `${column(fields.role)}::text` : column(fields.role);
  const param = provider === 'postgresql' ? '$1' : '?';
  return {
    sql:
      `SELECT s."id", s."userId", s."createdAt", s."expiresAt", s."maxExpiresAt", ` +
      `${column(fields.id)} AS "u_id", ${column(fields.email)} AS "u_email", ${role} AS "u_role" ` +
      `FROM "strata_session" s LEFT JOIN ${dbName(model as { name: string; dbName?: string | null })} u ON ${column(fields.id)} = s."userId" ` +
      `WHERE s."id" = ${param}`,
  };
}
