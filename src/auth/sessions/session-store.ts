import type { PrismaLike } from '../../base/context.ts';
import { type Clock, systemClock } from '../../base/clock.ts';
import { generateSecretToken, hashToken, isTokenShaped } from './secret-token.ts';
import type { SessionUser, SessionUserJoin } from './session-user-join.ts';
import { SessionCache } from './session-cache.ts';

/** One stored session (`id` is the token's SHA-256). */
export interface Session {
  id: string;
  userId: string | number;
  createdAt: Date;
  expiresAt: Date;
  maxExpiresAt: Date;
}

/** Lifetimes of sessions. */
export interface SessionPolicy {
  /** Sliding lifetime, renewed once half used. @default 30 days */
  ttlMs: number;
  /** Absolute lifetime from creation. @default 90 days */
  maxAgeMs: number;
  /** How long a session read with its user answers without the database (see {@link SessionCache}); 0 reads every time. @default 0 */
  cacheMs?: number;
}

/** A validated session; `renewed` says its expiry moved (the cookie needs re-sending). */
export interface ValidSession {
  session: Session;
  renewed: boolean;
}

/**
 * Sessions as the Lucia project teaches them: a random 160-bit token goes to
 * the client, only its SHA-256 is stored; expiry slides forward when half
 * the lifetime is used, never past the absolute cap.
 */
export class SessionStore {
  private readonly cache: SessionCache;

  constructor(
    private readonly prisma: PrismaLike,
    private readonly policy: SessionPolicy,
    private readonly clock: Clock = systemClock,
    /** Reads a session with its user in one statement; without it, {@link validateWithUser} takes two. */
    private readonly userJoin?: SessionUserJoin,
  ) {
    this.cache = new SessionCache(userJoin ? (policy.cacheMs ?? 0) : 0);
  }

  private get table() {
    return this.prisma.strataSession;
  }

  /** Creates a session for `userId`; the returned token is shown once and never stored. */
  async create(userId: string | number): Promise<{ token: string; session: Session }> {
    const token = generateSecretToken();
    const now = this.clock.now();
    const session: Session = {
      id: hashToken(token),
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + Math.min(this.policy.ttlMs, this.policy.maxAgeMs)),
      maxExpiresAt: new Date(now.getTime() + this.policy.maxAgeMs),
    };
    // Expired sessions of this user go here, so the table does not grow without a cleanup job.
    await this.table.deleteMany({ where: { userId, expiresAt: { lte: now } } });
    await this.table.create({ data: session });
    return { token, session };
  }

  /** The session of `token`, renewed if half used; null (and deleted) when expired or unknown. */
  async validate(token: string): Promise<ValidSession | null> {
    if (!isTokenShaped(token)) return null;
    const session: Session | null = await this.table.findUnique({ where: { id: hashToken(token) } });
    return session && this.check(session);
  }

  /**
   * Like {@link validate}, with the session's user (null when the user is
   * gone), read in one statement when a join was given, and then kept for
   * `cacheMs` (see {@link SessionCache}; expiry is checked every time).
   */
  async validateWithUser(token: string, findUser: (id: string | number) => Promise<SessionUser | null>): Promise<{ valid: ValidSession; user: SessionUser | null } | null> {
    if (!this.userJoin) {
      const valid = await this.validate(token);
      return valid && { valid, user: await findUser(valid.session.userId) };
    }
    if (!isTokenShaped(token)) return null;
    const id = hashToken(token);
    const cached = this.cache.get(id, this.clock.now().getTime());
    if (cached) {
      const valid = await this.check(cached.session);
      if (!valid) return null;
      if (valid.renewed) cached.session = valid.session;
      return { valid, user: cached.user };
    }
    const generation = this.cache.generation;
    const rows = (await this.prisma.$queryRawUnsafe(this.userJoin.sql, id)) as Record<string, unknown>[];
    const row = rows[0];
    if (!row) return null;
    const date = (v: unknown) => (v instanceof Date ? v : new Date(v as string | number));
    const session: Session = { id: row.id as string, userId: row.userId as string | number, createdAt: date(row.createdAt), expiresAt: date(row.expiresAt), maxExpiresAt: date(row.maxExpiresAt) };
    const valid = await this.check(session);
    if (!valid) return null;
    const user = row.u_id === null || row.u_id === undefined ? null : { id: row.u_id as string | number, email: row.u_email as string, role: String(row.u_role) };
    this.cache.set(valid.session, user, this.clock.now().getTime(), generation);
    return { valid, user };
  }

  /** Forgets what is kept of a user's sessions (the user row changed); all of them without `userId`. */
  forgetUser(userId?: string | number): void {
    if (userId === undefined) this.cache.clear();
    else this.cache.forget((session) => String(session.userId) === String(userId));
  }

  /** Deletes an expired session (null), or renews one past half its lifetime. */
  private async check(session: Session): Promise<ValidSession | null> {
    const now = this.clock.now().getTime();
    if (now >= session.expiresAt.getTime() || now >= session.maxExpiresAt.getTime()) {
      this.cache.forget((s) => s.id === session.id);
      await this.table.deleteMany({ where: { id: session.id } });
      return null;
    }
    if (now < session.expiresAt.getTime() - this.policy.ttlMs / 2) return { session, renewed: false };
    const expiresAt = new Date(Math.min(now + this.policy.ttlMs, session.maxExpiresAt.getTime()));
    if (expiresAt.getTime() <= session.expiresAt.getTime()) return { session, renewed: false };
    await this.table.updateMany({ where: { id: session.id }, data: { expiresAt } });
    return { session: { ...session, expiresAt }, renewed: true };
  }

  /** Live sessions of a user, newest first. */
  async list(userId: string | number): Promise<Session[]> {
    const now = this.clock.now();
    return this.table.findMany({ where: { userId, expiresAt: { gt: now }, maxExpiresAt: { gt: now } }, orderBy: { createdAt: 'desc' } });
  }

  /** Revokes one session; returns whether it existed. */
  async revoke(id: string): Promise<boolean> {
    const { count } = await this.table.deleteMany({ where: { id } });
    this.cache.forget((session) => session.id === id);
    return count > 0;
  }

  /** Revokes the user's session whose public id (see {@link publicSessionId}) is `publicId`. */
  async revokeByPublicId(userId: string | number, publicId: string): Promise<boolean> {
    if (!/^[0-9a-f]{16}$/.test(publicId)) return false;
    const { count } = await this.table.deleteMany({ where: { userId, id: { startsWith: publicId } } });
    this.cache.forget((session) => session.id.startsWith(publicId));
    return count > 0;
  }

  /** Revokes every session of a user except `exceptId`; returns how many. */
  async revokeAll(userId: string | number, exceptId?: string): Promise<number> {
    const { count } = await this.table.deleteMany({ where: { userId, ...(exceptId ? { id: { not: exceptId } } : {}) } });
    this.cache.forget((session) => String(session.userId) === String(userId) && session.id !== exceptId);
    return count;
  }
}

/** The id a user sees for a session: the first 16 hex digits of its hash, enough to tell their sessions apart. */
export const publicSessionId = (id: string) => id.slice(0, 16);
