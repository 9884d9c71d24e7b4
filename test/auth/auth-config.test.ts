import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/base/config.ts';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('auth configuration', () => {
  it('has safe defaults: 30-day sliding sessions capped at 90 days, verified email required, no admin secret', () => {
    const { auth } = loadConfig({ STRATA_ENV: 'test' });
    expect(auth).toMatchObject({
      userModel: 'User',
      userModelExplicit: false,
      adminSecret: null,
      sessionTtlMs: 30 * 86_400_000,
      sessionMaxAgeMs: 90 * 86_400_000,
      secureCookies: false,
      requireVerifiedEmail: true,
      verifyEmailTtlMs: 86_400_000,
      resetPasswordTtlMs: 3_600_000,
      publicUrl: 'http://127.0.0.1:4000',
      trustedProxies: [],
      redisUrl: null,
      smtpUrl: null,
    });
    expect(auth.oauth).toMatchObject({ github: null, google: null, oidc: null });
    expect(loadConfig({ STRATA_ENV: 'production' }).auth.secureCookies).toBe(true);
  });

  it('reports every bad auth variable at once', () => {
    expect(
      problems({
        STRATA_TRUSTED_PROXIES: '10.0.0.0/8, not-an-ip',
        STRATA_OAUTH_GITHUB_CLIENT_ID: 'id-without-secret',
        STRATA_SESSION_TTL_DAYS: '30',
        STRATA_SESSION_MAX_AGE_DAYS: '7',
        STRATA_OAUTH_OIDC_CLIENT_ID: 'x',
        STRATA_OAUTH_OIDC_CLIENT_SECRET: 'y',
      }),
    ).toEqual([
      'STRATA_TRUSTED_PROXIES entries must be IP addresses or CIDR ranges, got "not-an-ip"',
      'STRATA_SESSION_MAX_AGE_DAYS must be at least STRATA_SESSION_TTL_DAYS',
      'STRATA_OAUTH_GITHUB_CLIENT_ID and STRATA_OAUTH_GITHUB_CLIENT_SECRET must be set together',
      'STRATA_OAUTH_OIDC_ISSUER must be set with STRATA_OAUTH_OIDC_CLIENT_ID',
    ]);
  });

  it('refuses plain-http OAuth endpoints and a missing public URL in production', () => {
    const found = problems({
      STRATA_ENV: 'production',
      STRATA_OAUTH_OIDC_ISSUER: 'http://127.0.0.1:9999',
      STRATA_OAUTH_OIDC_CLIENT_ID: 'x',
      STRATA_OAUTH_OIDC_CLIENT_SECRET: 'y',
    });
    expect(found).toContain('STRATA_OAUTH_OIDC_ISSUER must use https in production');
    expect(found).toContain('STRATA_PUBLIC_URL must be set in production to build STRATA_OAUTH_OIDC redirect URIs');
  });

  it('builds OAuth settings from the environment', () => {
    const { auth } = loadConfig({
      STRATA_PUBLIC_URL: 'https://api.example.com/',
      STRATA_OAUTH_GITHUB_CLIENT_ID: 'gh',
      STRATA_OAUTH_GITHUB_CLIENT_SECRET: 'gh-secret',
      STRATA_OAUTH_OIDC_ISSUER: 'https://login.example.com/',
      STRATA_OAUTH_OIDC_CLIENT_ID: 'oidc',
      STRATA_OAUTH_OIDC_CLIENT_SECRET: 'oidc-secret',
    });
    expect(auth.publicUrl).toBe('https://api.example.com');
    expect(auth.oauth.github).toEqual({ clientId: 'gh', clientSecret: 'gh-secret', baseUrl: 'https://github.com', apiUrl: 'https://api.github.com' });
    expect(auth.oauth.oidc).toMatchObject({ baseUrl: 'https://login.example.com', scopes: ['openid', 'email', 'profile'] });
  });
});
