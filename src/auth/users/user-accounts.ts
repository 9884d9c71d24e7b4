import type { PrismaLike } from '../../context.ts';
import { badInput } from '../../errors.ts';
import type { Clock } from '../sessions/clock.ts';
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

/** Reads and writes the app's user model for auth; the only place that knows its field names. */
export class UserAccounts {
  private readonly select: Record<string, true>;

  constructor(
    private readonly prisma: PrismaLike,
    readonly model: AuthUserModel,
    private readonly clock: Clock,
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

  /** Creates a user with the default role (never ADMIN, whatever the input). */
  async create(data: { email: string; passwordHash?: string | null; name?: string | null; verified?: boolean }): Promise<AccountRow> {
    const row: Record<string, unknown> = { email: data.email, passwordHash: data.passwordHash ?? null, role: this.model.defaultRole };
    if (this.model.hasName && data.name) row.name = data.name.slice(0, 200);
    if (this.model.hasEmailVerifiedAt && data.verified) row.emailVerifiedAt = this.clock.now();
    return this.row(await this.table.create({ data: row, select: this.select }))!;
  }

  async setPasswordHash(id: string | number, passwordHash: string | null): Promise<void> {
    await this.table.update({ where: { [this.model.idField]: id }, data: { passwordHash } });
  }

  /** Records that the user proved control of their address (no-op without `emailVerifiedAt`). */
  async markVerified(id: string | number): Promise<void> {
    if (!this.model.hasEmailVerifiedAt) return;
    await this.table.updateMany({ where: { [this.model.idField]: id, emailVerifiedAt: null }, data: { emailVerifiedAt: this.clock.now() } });
  }

  /** The full row (all scalars) for GraphQL payloads. */
  async load(id: string | number): Promise<Record<string, unknown> | null> {
    return this.table.findUnique({ where: { [this.model.idField]: id } });
  }
}
