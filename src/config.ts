import { isIP } from 'node:net';
import path from 'node:path';

/** Where Strata runs: development serves GraphiQL and detailed logs; production refuses unsafe settings. */
export type Mode = 'development' | 'production' | 'test';

/** Query limits applied to every operation (see `useQueryLimits`). */
export interface LimitsConfig {
  /** Deepest selection nesting allowed. @default 10 */
  maxDepth: number;
  /** Most aliases in one operation. @default 30 */
  maxAliases: number;
  /** Most tokens in one document. @default 5000 */
  maxTokens: number;
  /** Highest estimated cost of one operation. @default 5000 */
  maxCost: number;
  /** Largest `take`/`first`/`last` a list may ask for; also the default page size cap. @default 100 */
  maxTake: number;
  /** Largest GraphQL request body in bytes (multipart uploads have their own limits). @default 25000000 */
  maxRequestBytes: number;
}

/** The whole configuration, read once from the environment by {@link loadConfig}. */
export interface Config {
  mode: Mode;
  /** Root of the project (where `prisma/` and `app/` live). @default process.cwd() */
  root: string;
  /** Prisma schema file. @default `<root>/prisma/schema.prisma` */
  schemaPath: string;
  /** Database URL; a `file:` URL means SQLite. @default `file:<root>/.strata/dev.db` */
  databaseUrl: string;
  /** Interface the HTTP server binds to. @default 127.0.0.1 */
  host: string;
  /** Port of the HTTP server; 0 picks a free one. @default 4000 */
  port: number;
  /** GraphQL endpoint path. @default /graphql */
  graphqlPath: string;
  /** Serve GraphiQL. @default true outside production */
  graphiql: boolean;
  /** pino log level. @default info (silent in test) */
  logLevel: string;
  /** Connection pool size for PostgreSQL. @default 10 */
  poolSize: number;
  /** Folder for generated clients and the embedded database. @default `<root>/.strata` */
  cacheDir: string;
  /**
   * The app's own code (rules.ts, hooks, functions). Absent for a schema
   * given with --schema unless STRATA_APP_DIR names one.
   * @default `<root>/app` for the project's own schema
   */
  appDir?: string;
  limits: LimitsConfig;
  auth: AuthConfig;
  realtime: RealtimeConfig;
  storage: StorageConfig;
  functions: FunctionsConfig;
}

/** Custom logic: trigger delivery, schedules, REST (see docs/custom-logic.md). */
export interface FunctionsConfig {
  /** Run the trigger delivery worker and the scheduler in this process (`STRATA_WORKER`); turn off on API-only instances. @default true */
  worker: boolean;
  /** Trigger deliveries running at once per instance (`STRATA_WORKER_CONCURRENCY`). @default 4 */
  workerConcurrency: number;
  /** Longest wait between outbox polls; commits in this process wake the worker at once (`STRATA_WORKER_POLL_MS`). @default 1000 */
  workerPollMs: number;
  /** How long a claimed event belongs to its worker; a crashed worker's events are delivered again after it (`STRATA_WORKER_LEASE_MS`). @default 60000 */
  leaseMs: number;
  /** Delivered trigger events and schedule ledger rows older than this are deleted; 0 keeps them (`STRATA_OUTBOX_RETENTION_DAYS`). @default 7 days */
  retentionMs: number;
  /** Serve the API as REST under /rest, with /rest/openapi.json (`STRATA_REST`). @default true */
  rest: boolean;
  /** `APP_*` environment variables, for app code (webhook URLs and secrets...), which must not read the environment itself. @default {} */
  appEnv: Record<string, string>;
}

/** File storage: the S3 bucket, upload limits and sweeps (see docs/files.md). */
export interface StorageConfig {
  /**
   * S3 endpoint URL (`S3_ENDPOINT`); null means AWS S3 by region, or, outside
   * production with no `S3_BUCKET` either, the embedded s3rver `strata dev` starts.
   * @default null
   */
  endpoint: string | null;
  /** True when `S3_ENDPOINT` or `S3_BUCKET` is set (or `strata dev` started the embedded s3rver). @default false */
  configured: boolean;
  /** True when nothing is configured and the mode allows the embedded s3rver (not in production). @default true outside production */
  embedded: boolean;
  /** Bucket holding every object (`S3_BUCKET`). @default strata */
  bucket: string;
  /** Region used for signing (`S3_REGION`). @default us-east-1 */
  region: string;
  /** `S3_ACCESS_KEY_ID`; null uses the AWS SDK's default credential chain (IAM roles...). @default null */
  accessKeyId: string | null;
  /** `S3_SECRET_ACCESS_KEY`, set together with the key id. @default null */
  secretAccessKey: string | null;
  /** Path-style URLs (`S3_FORCE_PATH_STYLE`), needed by most S3-compatible servers. @default true when S3_ENDPOINT is set */
  forcePathStyle: boolean;
  /** Base URL public files are served from (`S3_PUBLIC_URL`), e.g. a CDN in front of `public/`. @default <endpoint>/<bucket> (path style) */
  publicUrl: string | null;
  /** Prefix of every key Strata writes (`S3_KEY_PREFIX`), to share a bucket. @default "" */
  keyPrefix: string;
  /** Largest file accepted, in bytes (`STRATA_UPLOAD_MAX_BYTES`). @default 52428800 (50 MiB) */
  maxFileSize: number;
  /** Most files in one multipart request (`STRATA_UPLOAD_MAX_FILES`). @default 10 */
  maxFiles: number;
  /** 5 MiB parts of one upload sent to S3 at once; each costs 5 MiB of memory while in flight (`STRATA_UPLOAD_PART_CONCURRENCY`). @default 2 */
  partConcurrency: number;
  /** Media types accepted, checked against the bytes; `image/*` style wildcards allowed (`STRATA_UPLOAD_ALLOWED_TYPES`, comma-separated). @default images, PDF, plain text, CSV, JSON */
  allowedTypes: string[];
  /** Lifetime of presigned upload URLs (`STRATA_UPLOAD_URL_TTL_SECONDS`). @default 900 */
  uploadUrlTtlSeconds: number;
  /** Lifetime of presigned download URLs (`STRATA_DOWNLOAD_URL_TTL_SECONDS`). @default 300 */
  downloadUrlTtlSeconds: number;
  /** Pending uploads older than this are deleted by the sweep (`STRATA_UPLOAD_PENDING_TTL_SECONDS`); at least the upload URL TTL. @default 3600 */
  pendingTtlSeconds: number;
  /** Objects without a File row are deleted once older than this (`STRATA_STORAGE_ORPHAN_GRACE_SECONDS`). @default 3600 */
  orphanGraceSeconds: number;
  /** Interval of the cleanup sweep; 0 turns the timer off (`STRATA_STORAGE_SWEEP_INTERVAL_SECONDS`). @default 900 (0 in test mode) */
  sweepIntervalSeconds: number;
  /** Largest width or height of an image variant (`STRATA_IMAGE_MAX_DIMENSION`). @default 4096 */
  maxImageDimension: number;
  /** Where the embedded s3rver of `strata dev` keeps objects. @default `<cacheDir>/storage` */
  embeddedDir: string;
}

/** Subscriptions: pub/sub, websocket limits and replay (see docs/realtime.md). */
export interface RealtimeConfig {
  /** Redis for pub/sub between instances (`REDIS_URL`); null keeps delivery in process. @default null */
  redisUrl: string | null;
  /** Prefix of Strata's Redis keys and channel (`STRATA_REALTIME_REDIS_PREFIX`). @default strata:realtime */
  redisPrefix: string;
  /** Refuse websocket connections without a signed-in viewer, closing 4401 (`STRATA_REALTIME_REQUIRE_AUTH`). @default false */
  requireAuthentication: boolean;
  /** Operations one websocket may run at once; more fail with RATE_LIMITED (`STRATA_WS_MAX_SUBSCRIPTIONS`). @default 100 */
  maxSubscriptionsPerConnection: number;
  /** Time a websocket has to send `connection_init` before it is closed 4408 (`STRATA_WS_INIT_TIMEOUT_MS`). @default 3000 */
  connectionInitTimeoutMs: number;
  /** Largest websocket message accepted; larger ones close the socket 1009 (`STRATA_WS_MAX_PAYLOAD_BYTES`). @default 262144 */
  maxPayloadBytes: number;
  /** Interval of server pings; a socket that misses a pong for as long is terminated, 0 turns pings off (`STRATA_WS_KEEPALIVE_MS`). @default 12000 */
  keepAliveMs: number;
  /** Events one subscription may have waiting for its client (`STRATA_REALTIME_QUEUE_SIZE`). @default 256 */
  queueSize: number;
  /** How long a subscription may stay above `queueSize` (a burst, a replay) before its client counts as too slow and its websocket is closed 1013 (`STRATA_REALTIME_SLOW_GRACE_MS`). @default 5000 */
  slowConsumerGraceMs: number;
  /** Recent events kept to replay to a subscription resumed with `after`; 0 turns replay off (`STRATA_REALTIME_REPLAY_SIZE`). @default 10000 */
  replayBufferSize: number;
  /** Rows per subscription remembered to send `leaving`/`DELETED` for (about 100 bytes each); the oldest is forgotten first (`STRATA_REALTIME_TRACKED_ROWS`). @default 1000 */
  trackedRowsPerSubscription: number;
}

/** One OAuth provider's client registration and, for self-hosted ones, its base URLs. */
export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
  /** GitHub: web base URL (`STRATA_OAUTH_GITHUB_URL`) @default https://github.com. OIDC: the issuer. */
  baseUrl: string;
  /** GitHub's REST API base (`STRATA_OAUTH_GITHUB_API_URL`). @default https://api.github.com */
  apiUrl?: string;
  /** Scopes asked for. @default per provider */
  scopes?: string[];
}

/** Authentication settings (see docs/auth.md). */
export interface AuthConfig {
  /** Model holding accounts (`STRATA_AUTH_USER_MODEL`). @default User */
  userModel: string;
  /** True when `STRATA_AUTH_USER_MODEL` was set: the model must then exist and be auth-capable. @default false */
  userModelExplicit: boolean;
  /** Public base URL of this server; OAuth redirect URIs and mail links derive from it. @default http://<host>:<port> */
  publicUrl: string;
  /** `STRATA_ADMIN_SECRET`; null turns the admin secret off. At least 32 characters in production. @default null */
  adminSecret: string | null;
  /** Sliding session lifetime, renewed once half used. @default 30 days */
  sessionTtlMs: number;
  /** Absolute session lifetime: renewals never pass it. @default 90 days */
  sessionMaxAgeMs: number;
  /** Cookies carry `Secure`. @default true in production */
  secureCookies: boolean;
  /** Password sign-in waits for a verified email (needs an `emailVerifiedAt DateTime?` field). @default true */
  requireVerifiedEmail: boolean;
  /** Lifetime of email verification links. @default 24 hours */
  verifyEmailTtlMs: number;
  /** Lifetime of password reset links. @default 1 hour */
  resetPasswordTtlMs: number;
  /** Page that receives `?token=` from verification mails. @default <publicUrl>/verify-email */
  verifyEmailUrl: string;
  /** Page that receives `?token=` from reset mails. @default <publicUrl>/reset-password */
  resetPasswordUrl: string;
  /** Proxies whose `X-Forwarded-For` is believed (IPs or CIDRs, `STRATA_TRUSTED_PROXIES`). @default [] */
  trustedProxies: string[];
  /** Redis for rate-limit counters shared by all instances (`REDIS_URL`). @default null (in memory) */
  redisUrl: string | null;
  /** `SMTP_URL`; without it mail goes to the in-memory development outbox. @default null */
  smtpUrl: string | null;
  /** Sender of auth mails (`STRATA_MAIL_FROM`). @default Strata <no-reply@localhost> */
  mailFrom: string;
  throttle: {
    /** Window of every counter. @default 900 seconds */
    windowMs: number;
    /** Failed sign-ins per account per window. @default 5 */
    maxFailuresPerAccount: number;
    /** Failed sign-ins and admin-secret attempts per client address per window. @default 50 */
    maxFailuresPerIp: number;
    /** Auth mails per address per window. @default 5 */
    maxMailsPerAddress: number;
    /** Auth mail requests per client address per window. @default 20 */
    maxMailsPerIp: number;
  };
  oauth: {
    github: OAuthClientConfig | null;
    google: OAuthClientConfig | null;
    /** A generic OpenID Connect provider, found by discovery from its issuer. */
    oidc: OAuthClientConfig | null;
    /** Where the browser lands after an OAuth sign-in. @default <publicUrl>/ */
    successUrl: string;
    /** Where it lands after a failed one, with `?error=<reason>`. @default <publicUrl>/ */
    failureUrl: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the configuration from `env`. Every bad variable is
 * reported at once in one {@link ConfigError}.
 */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min = 0): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      problems.push(`${name} must be an integer >= ${min}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false, got "${env[name]}"`);
    return fallback;
  };

  const rawMode = env.STRATA_ENV ?? env.NODE_ENV ?? 'development';
  let mode: Mode = 'development';
  if (rawMode === 'production' || rawMode === 'test' || rawMode === 'development') mode = rawMode;
  else problems.push(`STRATA_ENV must be development, production or test, got "${rawMode}"`);

  const root = path.resolve(overrides.root ?? env.STRATA_ROOT ?? process.cwd());
  const cacheDir = path.resolve(root, env.STRATA_CACHE_DIR ?? '.strata');
  const databaseUrl = env.DATABASE_URL || `file:${path.join(cacheDir, 'dev.db')}`;
  if (!/^(file:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)');
  }

  const host = env.HOST || '127.0.0.1';
  const port = int('PORT', 4000);
  const schemaPath = path.resolve(root, env.STRATA_SCHEMA ?? 'prisma/schema.prisma');
  const ownSchema = schemaPath === path.resolve(root, 'prisma/schema.prisma');
  const config: Config = {
    mode,
    root,
    schemaPath,
    appDir: env.STRATA_APP_DIR ? path.resolve(root, env.STRATA_APP_DIR) : ownSchema ? path.join(root, 'app') : undefined,
    databaseUrl,
    host,
    port,
    graphqlPath: env.STRATA_GRAPHQL_PATH || '/graphql',
    graphiql: bool('STRATA_GRAPHIQL', mode !== 'production'),
    logLevel: env.LOG_LEVEL || (mode === 'test' ? 'silent' : 'info'),
    poolSize: int('DATABASE_POOL_SIZE', 10, 1),
    cacheDir,
    limits: {
      maxDepth: int('STRATA_MAX_DEPTH', 10, 1),
      maxAliases: int('STRATA_MAX_ALIASES', 30, 1),
      maxTokens: int('STRATA_MAX_TOKENS', 5000, 10),
      maxCost: int('STRATA_MAX_COST', 5000, 1),
      maxTake: int('STRATA_MAX_TAKE', 100, 1),
      maxRequestBytes: int('STRATA_MAX_REQUEST_BYTES', 25_000_000, 1024),
    },
    auth: readAuthConfig(env, mode, { host, port }, { int, bool }, problems),
    realtime: {
      redisUrl: env.REDIS_URL || null,
      redisPrefix: env.STRATA_REALTIME_REDIS_PREFIX || 'strata:realtime',
      requireAuthentication: bool('STRATA_REALTIME_REQUIRE_AUTH', false),
      maxSubscriptionsPerConnection: int('STRATA_WS_MAX_SUBSCRIPTIONS', 100, 1),
      connectionInitTimeoutMs: int('STRATA_WS_INIT_TIMEOUT_MS', 3000, 1),
      maxPayloadBytes: int('STRATA_WS_MAX_PAYLOAD_BYTES', 262_144, 1024),
      keepAliveMs: int('STRATA_WS_KEEPALIVE_MS', 12_000, 0),
      queueSize: int('STRATA_REALTIME_QUEUE_SIZE', 256, 1),
      slowConsumerGraceMs: int('STRATA_REALTIME_SLOW_GRACE_MS', 5000, 1),
      replayBufferSize: int('STRATA_REALTIME_REPLAY_SIZE', 10_000, 0),
      trackedRowsPerSubscription: int('STRATA_REALTIME_TRACKED_ROWS', 1000, 1),
    },
    storage: readStorageConfig(env, mode, cacheDir, { int, bool }, problems),
    functions: {
      worker: bool('STRATA_WORKER', true),
      workerConcurrency: int('STRATA_WORKER_CONCURRENCY', 4, 1),
      workerPollMs: int('STRATA_WORKER_POLL_MS', 1000, 10),
      leaseMs: int('STRATA_WORKER_LEASE_MS', 60_000, 1000),
      retentionMs: int('STRATA_OUTBOX_RETENTION_DAYS', 7, 0) * 86_400_000,
      rest: bool('STRATA_REST', true),
      appEnv: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('APP_') && e[1] !== undefined)),
    },
    ...overrides,
  };
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "${config.logLevel}"`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

type Readers = { int: (name: string, fallback: number, min?: number) => number; bool: (name: string, fallback: boolean) => boolean };

const DAY = 86_400_000;

function oidcWanted(env: Env, problems: string[]): boolean {
  const wanted = !!(env.STRATA_OAUTH_OIDC_CLIENT_ID || env.STRATA_OAUTH_OIDC_ISSUER);
  if (wanted && !env.STRATA_OAUTH_OIDC_ISSUER) problems.push('STRATA_OAUTH_OIDC_ISSUER must be set with STRATA_OAUTH_OIDC_CLIENT_ID');
  return wanted;
}

/** The `auth` section; production refuses a weak admin secret and plain-http OAuth endpoints. */
function readAuthConfig(env: Env, mode: Mode, server: { host: string; port: number }, { int, bool }: Readers, problems: string[]): AuthConfig {
  const url = (name: string, fallback: string, base = true): string => {
    const raw = env[name] || fallback;
    if (!/^https?:\/\/[^/]/.test(raw)) problems.push(`${name} must be an http(s) URL, got "${raw}"`);
    else if (mode === 'production' && raw.startsWith('http:') && env[name]) problems.push(`${name} must use https in production`);
    return base ? raw.replace(/\/+$/, '') : raw;
  };
  const host = server.host === '0.0.0.0' || server.host === '::' ? '127.0.0.1' : server.host;
  const publicUrl = url('STRATA_PUBLIC_URL', `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`);
  const adminSecret = env.STRATA_ADMIN_SECRET ?? null;
  if (adminSecret !== null && mode === 'production' && adminSecret.length < 32) {
    problems.push(`STRATA_ADMIN_SECRET must be at least 32 characters in production (it has ${adminSecret.length}); generate one with: openssl rand -base64 48`);
  }
  const client = (prefix: string, baseUrl: string, extra: Partial<OAuthClientConfig> = {}): OAuthClientConfig | null => {
    const clientId = env[`${prefix}_CLIENT_ID`];
    const clientSecret = env[`${prefix}_CLIENT_SECRET`];
    if (!clientId && !clientSecret) return null;
    if (!clientId || !clientSecret) problems.push(`${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET must be set together`);
    if (mode === 'production' && !env.STRATA_PUBLIC_URL) problems.push(`STRATA_PUBLIC_URL must be set in production to build ${prefix} redirect URIs`);
    return { clientId: clientId ?? '', clientSecret: clientSecret ?? '', baseUrl, ...extra };
  };
  const trustedProxies = (env.STRATA_TRUSTED_PROXIES ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  for (const proxy of trustedProxies) {
    const [address, bits] = proxy.split('/');
    if (isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
      problems.push(`STRATA_TRUSTED_PROXIES entries must be IP addresses or CIDR ranges, got "${proxy}"`);
    }
  }
  const sessionTtlMs = int('STRATA_SESSION_TTL_DAYS', 30, 1) * DAY;
  const sessionMaxAgeMs = int('STRATA_SESSION_MAX_AGE_DAYS', 90, 1) * DAY;
  if (sessionMaxAgeMs < sessionTtlMs) problems.push('STRATA_SESSION_MAX_AGE_DAYS must be at least STRATA_SESSION_TTL_DAYS');
  return {
    userModel: env.STRATA_AUTH_USER_MODEL || 'User',
    userModelExplicit: !!env.STRATA_AUTH_USER_MODEL,
    publicUrl,
    adminSecret,
    sessionTtlMs,
    sessionMaxAgeMs,
    secureCookies: mode === 'production',
    requireVerifiedEmail: bool('STRATA_AUTH_REQUIRE_VERIFIED_EMAIL', true),
    verifyEmailTtlMs: int('STRATA_AUTH_VERIFY_EMAIL_TTL_HOURS', 24, 1) * 3_600_000,
    resetPasswordTtlMs: int('STRATA_AUTH_RESET_PASSWORD_TTL_MINUTES', 60, 1) * 60_000,
    verifyEmailUrl: url('STRATA_AUTH_VERIFY_EMAIL_URL', `${publicUrl}/verify-email`, false),
    resetPasswordUrl: url('STRATA_AUTH_RESET_PASSWORD_URL', `${publicUrl}/reset-password`, false),
    trustedProxies,
    redisUrl: env.REDIS_URL || null,
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.STRATA_MAIL_FROM || 'Strata <no-reply@localhost>',
    throttle: {
      windowMs: int('STRATA_AUTH_THROTTLE_WINDOW_SECONDS', 900, 1) * 1000,
      maxFailuresPerAccount: int('STRATA_AUTH_MAX_FAILURES_PER_ACCOUNT', 5, 1),
      maxFailuresPerIp: int('STRATA_AUTH_MAX_FAILURES_PER_IP', 50, 1),
      maxMailsPerAddress: int('STRATA_AUTH_MAX_MAILS_PER_ADDRESS', 5, 1),
      maxMailsPerIp: int('STRATA_AUTH_MAX_MAILS_PER_IP', 20, 1),
    },
    oauth: {
      github: client('STRATA_OAUTH_GITHUB', url('STRATA_OAUTH_GITHUB_URL', 'https://github.com'), {
        apiUrl: url('STRATA_OAUTH_GITHUB_API_URL', 'https://api.github.com'),
      }),
      google: client('STRATA_OAUTH_GOOGLE', 'https://accounts.google.com'),
      oidc: oidcWanted(env, problems)
        ? client('STRATA_OAUTH_OIDC', url('STRATA_OAUTH_OIDC_ISSUER', 'https://issuer.invalid'), {
            scopes: (env.STRATA_OAUTH_OIDC_SCOPES || 'openid email profile').split(/[\s,]+/).filter(Boolean),
          })
        : null,
      successUrl: url('STRATA_OAUTH_SUCCESS_URL', `${publicUrl}/`, false),
      failureUrl: url('STRATA_OAUTH_FAILURE_URL', `${publicUrl}/`, false),
    },
  };
}

/** Media types uploads accept unless `STRATA_UPLOAD_ALLOWED_TYPES` says otherwise. */
export const defaultAllowedTypes = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'application/pdf', 'text/plain', 'text/csv', 'application/json'];

/** The `storage` section; S3 credentials come as a pair. */
function readStorageConfig(env: Env, mode: Mode, cacheDir: string, { int, bool }: Readers, problems: string[]): StorageConfig {
  const endpoint = env.S3_ENDPOINT?.replace(/\/+$/, '') || null;
  if (endpoint && !/^https?:\/\/[^/]/.test(endpoint)) problems.push(`S3_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  const configured = !!(endpoint || env.S3_BUCKET);
  const embedded = mode !== 'production' && !configured;
  const bucket = env.S3_BUCKET || 'strata';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`S3_BUCKET must be a valid bucket name, got "${bucket}"`);
  const accessKeyId = env.S3_ACCESS_KEY_ID || null;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY || null;
  if (!accessKeyId !== !secretAccessKey) problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  const publicUrl = env.S3_PUBLIC_URL?.replace(/\/+$/, '') || null;
  if (publicUrl && !/^https?:\/\/[^/]/.test(publicUrl)) problems.push(`S3_PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  const keyPrefix = env.S3_KEY_PREFIX ?? '';
  if (keyPrefix && !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/.test(keyPrefix)) problems.push(`S3_KEY_PREFIX must be path segments ending in "/", got "${keyPrefix}"`);
  const allowedTypes = (env.STRATA_UPLOAD_ALLOWED_TYPES ?? defaultAllowedTypes.join(',')).split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  for (const type of allowedTypes) {
    if (!/^[a-z0-9.+-]+\/([a-z0-9.+-]+|\*)$/.test(type)) problems.push(`STRATA_UPLOAD_ALLOWED_TYPES entries must be media types like image/png or image/*, got "${type}"`);
  }
  const uploadUrlTtlSeconds = int('STRATA_UPLOAD_URL_TTL_SECONDS', 900, 1);
  const pendingTtlSeconds = int('STRATA_UPLOAD_PENDING_TTL_SECONDS', 3600, 1);
  if (pendingTtlSeconds < uploadUrlTtlSeconds) problems.push('STRATA_UPLOAD_PENDING_TTL_SECONDS must be at least STRATA_UPLOAD_URL_TTL_SECONDS');
  return {
    endpoint,
    configured,
    embedded,
    bucket,
    region: env.S3_REGION || 'us-east-1',
    accessKeyId,
    secretAccessKey,
    forcePathStyle: bool('S3_FORCE_PATH_STYLE', !!endpoint || embedded),
    publicUrl,
    keyPrefix,
    maxFileSize: int('STRATA_UPLOAD_MAX_BYTES', 52_428_800, 1),
    maxFiles: int('STRATA_UPLOAD_MAX_FILES', 10, 1),
    partConcurrency: int('STRATA_UPLOAD_PART_CONCURRENCY', 2, 1),
    allowedTypes,
    uploadUrlTtlSeconds,
    downloadUrlTtlSeconds: int('STRATA_DOWNLOAD_URL_TTL_SECONDS', 300, 1),
    pendingTtlSeconds,
    orphanGraceSeconds: int('STRATA_STORAGE_ORPHAN_GRACE_SECONDS', 3600, 0),
    sweepIntervalSeconds: int('STRATA_STORAGE_SWEEP_INTERVAL_SECONDS', mode === 'test' ? 0 : 900, 0),
    maxImageDimension: int('STRATA_IMAGE_MAX_DIMENSION', 4096, 16),
    embeddedDir: path.join(cacheDir, 'storage'),
  };
}

/** The database family a URL points at. */
export function providerOf(databaseUrl: string): 'sqlite' | 'postgresql' {
  return databaseUrl.startsWith('file:') ? 'sqlite' : 'postgresql';
}
