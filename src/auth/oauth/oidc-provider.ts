import { decodeIdToken, OAuth2Client } from 'arctic';
import type { OAuthClientConfig } from '../../base/config.ts';
import { checkEndpoint, getJson, type OAuthProvider } from './oauth-provider.ts';

interface OidcMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
}

/** Google's published endpoints (https://accounts.google.com/.well-known/openid-configuration). */
const google: OidcMetadata = {
  issuer: 'https://accounts.google.com',
  authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
  token_endpoint: 'https://oauth2.googleapis.com/token',
  userinfo_endpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
};

async function discover(issuer: string): Promise<OidcMetadata> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`OIDC discovery at ${issuer} answered ${response.status}`);
  const metadata = (await response.json()) as OidcMetadata;
  // OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it was fetched for.
  if (metadata.issuer?.replace(/\/+$/, '') !== issuer) throw new Error(`OIDC discovery at ${issuer} names another issuer (${metadata.issuer})`);
  return metadata;
}

/**
 * An OpenID Connect provider: Google (fixed endpoints) or any issuer found
 * by discovery (`STRATA_OAUTH_OIDC_ISSUER`). The profile comes from the
 * userinfo endpoint; `email_verified` must be true to count as verified, and
 * the ID token's subject, when present, must match.
 */
export function oidcProvider(id: 'google' | 'oidc', config: OAuthClientConfig, redirectUri: string, production: boolean): OAuthProvider {
  let metadata: Promise<OidcMetadata> | undefined;
  const load = () => {
    metadata ??= (id === 'google' ? Promise.resolve(google) : discover(config.baseUrl)).catch((error) => {
      metadata = undefined; // retry discovery on the next sign-in
      throw error;
    });
    return metadata;
  };
  return {
    id,
    client: new OAuth2Client(config.clientId, config.clientSecret, redirectUri),
    scopes: config.scopes ?? ['openid', 'email', 'profile'],
    async endpoints() {
      const m = await load();
      return { authorization: checkEndpoint(m.authorization_endpoint, production), token: checkEndpoint(m.token_endpoint, production) };
    },
    async profile(tokens) {
      const m = await load();
      const info = await getJson(checkEndpoint(m.userinfo_endpoint, production), tokens.accessToken());
      if (typeof info?.sub !== 'string' || !info.sub) throw new Error('userinfo without a subject');
      const idToken = (tokens.data as { id_token?: unknown }).id_token;
      if (typeof idToken === 'string') {
        // The ID token came straight from the token endpoint over TLS (OIDC Core 3.1.3.7), so decoding suffices.
        const claims = decodeIdToken(idToken) as { sub?: string };
        if (claims.sub !== info.sub) throw new Error('userinfo subject differs from the ID token subject');
      }
      const verified = info.email_verified === true || info.email_verified === 'true';
      return { subject: info.sub, email: typeof info.email === 'string' ? info.email : null, emailVerified: verified, name: info.name ?? null };
    },
  };
}
