import type { Logger } from 'pino';
import type { AuthConfig, Mode } from '../base/config.ts';
import type { PrismaLike } from '../base/context.ts';
import type { AuthMails } from './mail/auth-mails.ts';
import type { DevOutbox } from './mail/dev-outbox.ts';
import type { Mailer } from './mail/mailer.ts';
import type { Clock } from '../base/clock.ts';
import type { SessionStore } from './sessions/session-store.ts';
import type { Throttle } from './throttle/throttle.ts';
import type { OneTimeTokens } from './tokens/one-time-tokens.ts';
import type { AuthWrites } from './users/auth-writes.ts';
import type { UserAccounts } from './users/user-accounts.ts';
import type { AuthUserModel } from './users/user-model.ts';

/** The services auth flows share; built once per app by `createAuth`. */
export interface AuthCore {
  config: AuthConfig;
  mode: Mode;
  log: Logger;
  clock: Clock;
  prisma: PrismaLike;
  /** The auth-capable user model; null when the schema has none (then only the admin secret works). */
  user: AuthUserModel | null;
  accounts: UserAccounts | null;
  /** Auth's writes of the user model through the write pipeline (attached once the schema is built). */
  writes: AuthWrites;
  sessions: SessionStore | null;
  tokens: OneTimeTokens | null;
  throttle: Throttle;
  mailer: Mailer;
  /** The in-memory outbox when mail is not sent over SMTP (tests read it). */
  outbox: DevOutbox | null;
  /** Mail texts: the app's, completed by the defaults. */
  mails: Required<AuthMails>;
  /**
   * Runs work the response must not wait for (mail, and writes whose timing
   * would tell whether an account exists); failures are logged.
   */
  background(task: () => Promise<unknown>): void;
  /** Resolves once all background work has finished (tests, shutdown). */
  idle(): Promise<void>;
}

/** The auth services of an app that has an auth-capable user model. */
export type UserAuth = AuthCore & { user: AuthUserModel; accounts: UserAccounts; sessions: SessionStore; tokens: OneTimeTokens };
