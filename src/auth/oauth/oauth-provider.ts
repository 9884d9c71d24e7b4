import type { OAuth2Client, OAuth2Tokens } from 'arctic';

/** What Strata needs to know about the person an OAuth provider signed in. */
export interface OAuthProfile {
  /** The provider's stable user id. */
  subject: string;
  email: string | null;
  /** True only when the provider itself says it verified the address. */
  emailVerified: boolean;
  name: string | null;
}

/** One OAuth provider: arctic's generic client plus where its endpoints are and how to read a profile. */
export interface OAuthProvider {
  id: string;
  client: OAuth2Client;
  scopes: string[];
  /** Authorization and token endpoints (found by discovery for OIDC). */
  endpoints(): Promise<{ authorization: string; token: string }>;
  profile(tokens: OAuth2Tokens): Promise<OAuthProfile>;
}

/** The redirect URI of a provider: only from config (public URL + fixed path), never from the request. */
export const redirectUri = (publicUrl: string, provider: string) => `${publicUrl}/auth/oauth/${provider}/callback`;

/** GETs JSON with a bearer token; throws on any non-2xx answer. */
export async function getJson(url: string, accessToken: string, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'user-agent': 'strata', ...headers },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/** Refuses plain-http endpoints in production, whatever discovery or config said. */
export function checkEndpoint(url: string, production: boolean): string {
  if (production && !url.startsWith('https://')) throw new Error(`OAuth endpoint ${url} must use https in production`);
  return url;
}
