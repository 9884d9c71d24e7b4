import { OAuth2Client } from 'arctic';
import type { OAuthClientConfig } from '../../base/config.ts';
import { checkEndpoint, getJson, type OAuthProvider } from './oauth-provider.ts';

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub (or GitHub Enterprise Server, through `STRATA_OAUTH_GITHUB_URL` and
 * `STRATA_OAUTH_GITHUB_API_URL`). The defaults are the endpoints arctic's
 * `GitHub` class uses; arctic's generic client adds PKCE. The address comes
 * from `/user/emails` with GitHub's own `verified` flag.
 */
export function githubProvider(config: OAuthClientConfig, redirectUri: string, production: boolean): OAuthProvider {
  const api = checkEndpoint(config.apiUrl ?? 'https://api.github.com', production);
  const headers = { accept: 'application/vnd.github+json' };
  return {
    id: 'github',
    client: new OAuth2Client(config.clientId, config.clientSecret, redirectUri),
    scopes: config.scopes ?? ['read:user', 'user:email'],
    endpoints: async () => ({
      authorization: checkEndpoint(`${config.baseUrl}/login/oauth/authorize`, production),
      token: checkEndpoint(`${config.baseUrl}/login/oauth/access_token`, production),
    }),
    async profile(tokens) {
      const accessToken = tokens.accessToken();
      const user = await getJson(`${api}/user`, accessToken, headers);
      const emails: GitHubEmail[] = await getJson(`${api}/user/emails`, accessToken, headers);
      const chosen = emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified) ?? emails.find((e) => e.primary);
      if (typeof user?.id !== 'number' && typeof user?.id !== 'string') throw new Error('GitHub profile without an id');
      return {
        subject: String(user.id),
        email: chosen?.email ?? null,
        emailVerified: chosen?.verified === true,
        name: user.name ?? user.login ?? null,
      };
    },
  };
}
