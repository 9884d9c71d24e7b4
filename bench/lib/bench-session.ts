import pg from 'pg';
import { generateSecretToken, hashToken } from '../../src/auth/sessions/secret-token.ts';
import { BENCH_VIEWER_ID } from './operations.ts';

export { BENCH_VIEWER_ID };

/**
 * Creates a session for {@link BENCH_VIEWER_ID}, stored as Strata stores one
 * (the token's SHA-256 in `strata_session`, see src/auth/sessions/), valid for
 * 20 days (under half the default 30-day lifetime, so no request renews it:
 * no write per request), and returns the `Authorization` header value the
 * load generators send.
 */
export async function createBenchSession(databaseUrl: string): Promise<string> {
  const token = generateSecretToken();
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const now = new Date();
    const expires = new Date(now.getTime() + 20 * 24 * 3600_000);
    await client.query(`INSERT INTO "strata_session" ("id", "userId", "createdAt", "expiresAt", "maxExpiresAt") VALUES ($1, $2, $3, $4, $4)`, [hashToken(token), BENCH_VIEWER_ID, now, expires]);
  } finally {
    await client.end().catch(() => {});
  }
  return `Bearer ${token}`;
}
