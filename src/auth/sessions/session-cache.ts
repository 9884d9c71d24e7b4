import type { Session } from './session-store.ts';
import type { SessionUser } from './session-user-join.ts';

interface Entry {
  session: Session;
  user: SessionUser | null;
  /** Clock time (ms) until which the entry answers without the database. */
  until: number;
}

/** Most sessions kept; the oldest go first. */
const CAPACITY = 10_000;

/**
 * Sessions with their users as last read, for a short time: a signed-in
 * client's requests resolve their viewer without a statement. What this
 * instance does is seen at once (sign-out, revocation, password change,
 * any write to the user model through the API forget the entries); what
 * another instance or a direct database edit does is seen within the
 * lifetime (`STRATA_SESSION_CACHE_MS`). Expiry is checked on every hit.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  /** Moves on every forget: a read begun before one must not store what it read. */
  generation = 0;

  constructor(private readonly lifetimeMs: number) {}

  get enabled(): boolean {
    return this.lifetimeMs > 0;
  }

  get(id: string, now: number): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry && now < entry.until) return entry;
    if (entry) this.entries.delete(id);
    return undefined;
  }

  /** Keeps what a read begun at `generation` found, unless something was forgotten since. */
  set(session: Session, user: SessionUser | null, now: number, generation: number): void {
    if (!this.enabled || generation !== this.generation) return;
    this.entries.delete(session.id);
    this.entries.set(session.id, { session, user, until: now + this.lifetimeMs });
    if (this.entries.size > CAPACITY) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets the sessions `match` selects. */
  forget(match: (session: Session) => boolean): void {
    this.generation += 1;
    for (const [id, entry] of this.entries) if (match(entry.session)) this.entries.delete(id);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }
}
