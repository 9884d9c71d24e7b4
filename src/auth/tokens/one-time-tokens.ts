import type { PrismaLike } from '../../base/context.ts';
import { type Clock, systemClock } from '../../base/clock.ts';
import { generateSecretToken, hashToken, isTokenShaped } from '../sessions/secret-token.ts';

/** What a single-use token is for. */
export type TokenKind = 'verify-email' | 'reset-password' | 'change-email';

/** A consumed token: whose it was and the address it was mailed to. */
export interface ConsumedToken {
  userId: string | number;
  email: string;
}

/**
 * Single-use, expiring tokens mailed to users. Only their SHA-256 is stored;
 * issuing one replaces the user's previous token of the same kind, and
 * consuming deletes it atomically, so a link works once.
 */
export class OneTimeTokens {
  constructor(
    private readonly prisma: PrismaLike,
    private readonly clock: Clock = systemClock,
  ) {}

  private get table() {
    return this.prisma.strataAuthToken;
  }

  /** Issues a token of `kind` for a user; returns the raw token to mail. */
  async issue(kind: TokenKind, userId: string | number, email: string, ttlMs: number): Promise<string> {
    const token = generateSecretToken();
    const now = this.clock.now();
    await this.table.deleteMany({ where: { userId, kind } });
    await this.table.create({ data: { id: hashToken(token), kind, userId, email, createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) } });
    return token;
  }

  /** Consumes a token of `kind`; null when unknown, used, of another kind or expired. */
  async consume(kind: TokenKind, token: string): Promise<ConsumedToken | null> {
    if (!isTokenShaped(token)) return null;
    const id = hashToken(token);
    const row = await this.table.findUnique({ where: { id } });
    if (!row || row.kind !== kind) return null;
    // deleteMany's count is the race-free "I was first": a second concurrent use finds 0.
    const { count } = await this.table.deleteMany({ where: { id, kind } });
    if (count === 0 || row.expiresAt.getTime() <= this.clock.now().getTime()) return null;
    return { userId: row.userId, email: row.email };
  }

  /** Drops a user's pending tokens, of one kind or all (after a password reset, all links die). */
  async revokeAll(userId: string | number, kind?: TokenKind): Promise<void> {
    await this.table.deleteMany({ where: { userId, ...(kind ? { kind } : {}) } });
  }
}
