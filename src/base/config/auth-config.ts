import { isIP } from 'node:net';
import type { Env, Readers } from './readers.ts';

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
  /**
   * How long a session and its user, once read, answer without the database
   * (`STRATA_SESSION_CACHE_MS`; 0 reads them on every request). Sign-out,
   * revocation and writes to the user model on this instance are seen at
   * once; on another instance, or by a direct database edit, within this
   * time. @default 1000
   */
  sessionCacheMs: number;
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
  /** Page that receives `?token=` from email-change confirmation mails (`STRATA_AUTH_CHANGE_EMAIL_URL`). @default <publicUrl>/confirm-email-change */
  changeEmailUrl: string;
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

const DAY = 86_400_000;

function oidcWanted(env: Env, problems: string[]): boolean {
  const wanted = !!(env.STRATA_OAUTH_OIDC_CLIENT_ID || env.STRATA_OAUTH_OIDC_ISSUER);
  if (wanted && !env.STRATA_OAUTH_OIDC_ISSUER) problems.push('STRATA_OAUTH_OIDC_ISSUER must be set with STRATA_OAUTH_OIDC_CLIENT_ID');
  return wanted;
}

/** The `auth` section; production refuses a weak admin secret and plain-http OAuth endpoints. */
export function readAuthConfig({ env, mode, int, bool, problems }: Readers, server: { host: string; port: number }): AuthConfig {
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
    sessionCacheMs: int('STRATA_SESSION_CACHE_MS', 1000, 0),
    secureCookies: mode === 'production',
    requireVerifiedEmail: bool('STRATA_AUTH_REQUIRE_VERIFIED_EMAIL', true),
    verifyEmailTtlMs: int('STRATA_AUTH_VERIFY_EMAIL_TTL_HOURS', 24, 1) * 3_600_000,
    resetPasswordTtlMs: int('STRATA_AUTH_RESET_PASSWORD_TTL_MINUTES', 60, 1) * 60_000,
    verifyEmailUrl: url('STRATA_AUTH_VERIFY_EMAIL_URL', `${publicUrl}/verify-email`, false),
    resetPasswordUrl: url('STRATA_AUTH_RESET_PASSWORD_URL', `${publicUrl}/reset-password`, false),
    changeEmailUrl: url('STRATA_AUTH_CHANGE_EMAIL_URL', `${publicUrl}/confirm-email-change`, false),
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
