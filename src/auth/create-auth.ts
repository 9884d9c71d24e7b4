import type { ChangeEvent } from '../base/change-event.ts';
import type { Logger } from 'pino';
import { type Config, providerOf } from '../base/config.ts';
import type { HttpExchange, PrismaLike } from '../base/context.ts';
import type { DmmfEnum, DmmfModel } from '../base/datamodel.ts';
import type { AuthCore, UserAuth } from './auth-core.ts';
import { clearSessionCookie, setSessionCookie } from './http/session-cookie.ts';
import { rememberAddress } from './http/request-address.ts';
import { type AuthMails, defaultAuthMails } from './mail/auth-mails.ts';
import { DevOutbox } from './mail/dev-outbox.ts';
import type { Mailer } from './mail/mailer.ts';
import { SmtpMailer } from './mail/smtp-mailer.ts';
import { createOAuthProviders } from './oauth/create-oauth-providers.ts';
import { createOAuthRoutes } from './oauth/oauth-routes.ts';
import { createDevVerifyPage } from './http/dev-verify-page.ts';
import { authenticate, type ViewerSource } from './resolve-viewer.ts';
import { type Clock, systemClock } from '../base/clock.ts';
import { SessionStore } from './sessions/session-store.ts';
import { createSessionUserJoin } from './sessions/session-user-join.ts';
import { clientAddress, createProxyList } from './throttle/client-address.ts';
import { MemoryRateLimiter, type RateLimiter } from './throttle/rate-limiter.ts';
import { RedisRateLimiter } from './throttle/redis-rate-limiter.ts';
import { Throttle } from './throttle/throttle.ts';
import { OneTimeTokens } from './tokens/one-time-tokens.ts';
import { AuthWrites } from './users/auth-writes.ts';
import { UserAccounts } from './users/user-accounts.ts';
import { inspectUserModel } from './users/user-model.ts';
import type { Viewer } from '../base/viewer.ts';

export interface CreateAuthOptions {
  config: Config;
  prisma: PrismaLike;
  /** The API's datamodel (the user model is looked up in it). */
  datamodel: { models: DmmfModel[]; enums: DmmfEnum[] };
  log: Logger;
  /** Time source of sessions, tokens and in-memory throttling. @default the system clock */
  clock?: Clock;
  /** Mail transport. @default SMTP when `SMTP_URL` is set, else the in-memory {@link DevOutbox} */
  mailer?: Mailer;
  /** Counter store for throttling. @default Redis when `REDIS_URL` is set, else in memory */
  rateLimiter?: RateLimiter;
  /** Texts of auth mail. @default {@link defaultAuthMails} */
  mails?: AuthMails;
}

/** What the HTTP server passes along with a request: the socket, for the client's address, and the request's shared state. */
export type ServerContext = { req?: { socket?: { remoteAddress?: string } }; http?: HttpExchange };

/** An app's authentication: the services, the viewer resolution for every transport, and the OAuth routes. */
export interface Auth extends AuthCore {
  /** The transport-free viewer resolution (HTTP, graphql-ws `connection_init`, upgrade requests); see docs/auth.md. */
  resolveViewer(source: ViewerSource): Promise<Viewer>;
  /** Resolves the viewer of an HTTP request, queuing session cookie changes for its response. */
  viewerForRequest(request: { headers: Pick<Headers, 'get'> }, serverContext?: ServerContext): Promise<Viewer>;
  /** Forgets the kept sessions of users these changes touched (see SessionCache). */
  forgetChangedUsers(events: ChangeEvent[]): void;
  /** Answers the OAuth routes and, outside production, the verification link page (null for other paths); null without a user model. */
  oauth: ((request: Request, url: URL, serverContext?: ServerContext) => Promise<Response | null>) | null;
  close(): Promise<void>;
}

function userModelFor({ config, datamodel, log, prisma }: CreateAuthOptions) {
  const { userModel, userModelExplicit } = config.auth;
  const check = inspectUserModel(datamodel, userModel);
  if (check.status === 'ok') {
    if (!prisma.strataSession) throw new Error(`Strata's auth tables are missing from the generated client: prepare the schema with prepareAppSchema (src/server/prepare-app-schema.ts) for user model ${userModel}`);
    return check.model;
  }
  const problems = check.status === 'absent' ? [`the schema has no model ${userModel}`] : check.problems;
  const message = `model ${userModel} cannot hold accounts, so sign-in is off and only the admin secret grants access:\n  - ${problems.join('\n  - ')}`;
  if (userModelExplicit) throw new Error(`STRATA_AUTH_USER_MODEL: ${message}`);
  if (check.status === 'incomplete') log.warn(message);
  return null;
}

/** Builds the auth services of an app; validates the user model at start-up (see docs/auth.md). */
export function createAuth(options: CreateAuthOptions): Auth {
  const { config, prisma, log } = options;
  const clock = options.clock ?? systemClock;
  const user = userModelFor(options);
  const outbox = options.mailer ? null : config.auth.smtpUrl ? null : new DevOutbox(log, config.mode !== 'production');
  const mailer: Mailer = options.mailer ?? outbox ?? new SmtpMailer(config.auth.smtpUrl!, config.auth.mailFrom);
  const limiter = options.rateLimiter ?? (config.auth.redisUrl ? new RedisRateLimiter(config.auth.redisUrl, { log }) : new MemoryRateLimiter(clock));
  const pending = new Set<Promise<unknown>>();
  const isTrusted = createProxyList(config.auth.trustedProxies);
  const writes = new AuthWrites(prisma, log);
  const core: AuthCore = {
    config: config.auth,
    mode: config.mode,
    log,
    clock,
    prisma,
    user,
    accounts: user && new UserAccounts(prisma, user, clock, writes),
    writes,
    sessions:
      user &&
      new SessionStore(prisma, { ttlMs: config.auth.sessionTtlMs, maxAgeMs: config.auth.sessionMaxAgeMs, cacheMs: config.auth.sessionCacheMs }, clock,
        createSessionUserJoin(options.datamodel.models.find((m) => m.name === user.name)!, { id: user.idField, email: 'email', role: 'role' }, providerOf(config.databaseUrl))),
    tokens: user && new OneTimeTokens(prisma, clock),
    // Redis counts in real time: only the in-memory limiter follows an injected clock.
    throttle: new Throttle(limiter, config.auth.throttle, options.rateLimiter || config.auth.redisUrl ? systemClock : clock),
    mailer,
    outbox,
    mails: { ...defaultAuthMails, ...options.mails },
    background(task) {
      const run = task().catch((error) => log.error({ err: error }, 'auth background task failed'));
      pending.add(run);
      void run.finally(() => pending.delete(run));
    },
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
  };
  if (user && outbox && config.mode === 'production') log.warn('SMTP_URL is not set: verification and reset mail will not be sent');
  const providers = createOAuthProviders(config.auth, config.mode === 'production');
  const oauthRoutes = user ? createOAuthRoutes(core as UserAuth, providers) : null;
  const verifyPage = user ? createDevVerifyPage(core as UserAuth, config.graphqlPath) : null;
  const oauth: typeof oauthRoutes =
    oauthRoutes && verifyPage && (async (request, url, address) => (await verifyPage(request, url)) ?? oauthRoutes(request, url, address));
  const addressOf = (request: { headers: Pick<Headers, 'get'> }, serverContext?: ServerContext) =>
    clientAddress(serverContext?.req?.socket?.remoteAddress, request.headers.get('x-forwarded-for'), isTrusted);
  return {
    ...core,
    oauth: oauth && ((request, url, serverContext) => oauth(request, url, addressOf(request, serverContext))),
    resolveViewer: async (source) => (await authenticate(core, source)).viewer,
    forgetChangedUsers(events) {
      if (!user || !core.sessions) return;
      for (const event of events) if (event.model === user.name) core.sessions.forgetUser(event.key[user.idField] as string | number | undefined);
    },
    async viewerForRequest(request, serverContext) {
      const ip = addressOf(request, serverContext);
      const http = serverContext?.http;
      rememberAddress(http, ip);
      const result = await authenticate(core, { headers: request.headers, ip });
      if (result.cookie === 'clear') clearSessionCookie(http, config.auth);
      else if (result.cookie) setSessionCookie(http, config.auth, result.cookie.token, result.cookie.expiresAt, clock.now());
      return result.viewer;
    },
    async close() {
      await core.idle();
      await limiter.close();
      await mailer.close?.();
    },
  };
}
