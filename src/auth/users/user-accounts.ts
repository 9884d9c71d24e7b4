import type { PrismaLike } from '../../base/context.ts';
import { AppError, badInput, fromPrismaError } from '../../base/errors.ts';
import type { Clock } from '../../base/clock.ts';
import type { AuthWrites } from './auth-writes.ts';
import type { AuthUserModel } from './user-model.ts';

/** The columns of a user that auth reads. */
export interface AccountRow {
  id: string | number;
  email: string;
  role: string;
  passwordHash: string | null;
  /** Null when unverified or when the model has no `emailVerifiedAt`. */
  emailVerifiedAt: Date | null;
}

/** Lowercased, trimmed email; null when it is not shaped like an address. */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

/** Like {@link normalizeEmail}, throwing BAD_USER_INPUT for a malformed address. */
export function requireEmail(raw: string, argument = 'email'): string {
  const email = normalizeEmail(raw);
  if (!email) throw badInput('Enter a valid email address', { argument });
  return email;
}

/** A unique-constraint conflict, as Prisma raises it or as the write pipeline maps it. */
export function isConflict(error: unknown): boolean {
  const code = error instanceof AppError ? error.extensions.code : fromPrismaError(error)?.extensions.code;
  return code === 'CONFLICT';
}

/** What auth changes on an existing user. */
export interface AccountChanges {
  /** A new hash, or null to drop the password (OAuth linking). */
  passwordHash?: string | null;
  /** A new address (the email-change flow, with `verified` since its link proved it). */
  email?: string;
  /** The user proved control of the (current or new) address. No-op without `emailVerifiedAt`. */
  verified?: boolean;
}

/**
 * Reads and writes the app's user model for auth; the only place that knows
 * its field names. Reads go to Prisma; writes go through the write pipeline
 * (hooks, triggers, change events) as trusted writes.
 */
export class UserAccounts {
  private readonly select: Record<string, true>;

  constructor(
    private readonly prisma: PrismaLike,
    readonly model: AuthUserModel,
    private readonly clock: Clock,
    private readonly writes: AuthWrites,
  ) {
    this.select = { [model.idField]: true, email: true, role: true, passwordHash: true, ...(model.hasEmailVerifiedAt ? { emailVerifiedAt: true } : {}) };
  }

  private get table() {
    return this.prisma[this.model.delegate];
  }

  private row(raw: Record<string, any> | null): AccountRow | null {
    if (!raw) return null;
    const { [this.model.idField]: id, email, role, passwordHash, emailVerifiedAt = null } = raw;
    return { id, email, role: String(role), passwordHash, emailVerifiedAt };
  }

  async findByEmail(email: string): Promise<AccountRow | null> {
    return this.row(await this.table.findUnique({ where: { email }, select: this.select }));
  }

  async findById(id: string | number): Promise<AccountRow | null> {
    return this.row(await this.table.findUnique({ where: { [this.model.idField]: id }, select: this.select }));
  }

  private key(id: string | number) {
    return { [this.model.idField]: id };
  }

  /** Creates a user with the default role (never ADMIN, whatever the input). */
  async create(data: { email: string; passwordHash?: string | null; name?: string | null; verified?: boolean }): Promise<AccountRow> {
    const row: Record<string, unknown> = { email: data.email, passwordHash: data.passwordHash ?? null, role: this.model.defaultRole };
    if (this.model.hasName && data.name) row.name = data.name.slice(0, 200);
    if (this.model.hasEmailVerifiedAt && data.verified) row.emailVerifiedAt = this.clock.now();
    return this.row(await this.writes.run((writer) => writer.create(this.model.name, row)))!;
  }

  /**
   * Applies `changes` to a user in one pipeline write (one change event).
   * The row is locked first, so the verification mark is decided on the row
   * as it is: an address verified before keeps its date, a new one is dated now.
   * Throws NOT_FOUND when the user is gone, and the pipeline's conflict when
   * the new email is taken.
   */
  async update(id: string | number, changes: AccountChanges): Promise<void> {
    await this.writes.run(async (writer) => {
      const current = await writer.lock(this.model.name, this.key(id));
      const data: Record<string, unknown> = {};
      if (changes.passwordHash !== undefined) data.passwordHash = changes.passwordHash;
      const newEmail = changes.email !== undefined && changes.email !== current.email;
      if (newEmail) data.email = changes.email;
      if (this.model.hasEmailVerifiedAt && changes.verified && (newEmail || !current.emailVerifiedAt)) data.emailVerifiedAt = this.clock.now();
      if (Object.keys(data).length) await writer.update(this.model.name, this.key(id), data);
    });
  }

  /** The full row (all scalars) for GraphQL payloads. */
  async load(id: string | number): Promise<Record<string, unknown> | null> {
    return this.table.findUnique({ where: { [this.model.idField]: id } });
  }
}
