import type { AuthConfig } from '../../base/config.ts';
import { githubProvider } from './github-provider.ts';
import { type OAuthProvider, redirectUri } from './oauth-provider.ts';
import { oidcProvider } from './oidc-provider.ts';

/** The configured OAuth providers by route name (`github`, `google`, `oidc`). */
export function createOAuthProviders(config: AuthConfig, production: boolean): Map<string, OAuthProvider> {
  const providers = new Map<string, OAuthProvider>();
  const { github, google, oidc } = config.oauth;
  if (github) providers.set('github', githubProvider(github, redirectUri(config.publicUrl, 'github'), production));
  if (google) providers.set('google', oidcProvider('google', google, redirectUri(config.publicUrl, 'google'), production));
  if (oidc) providers.set('oidc', oidcProvider('oidc', oidc, redirectUri(config.publicUrl, 'oidc'), production));
  return providers;
}
