import { CodeChallengeMethod, generateCodeVerifier, generateState } from 'arctic';
import type { UserAuth } from '../auth-core.ts';
import { readCookie, serializeCookie } from '../http/cookies.ts';
import { sessionCookieName } from '../http/session-cookie.ts';
import { linkOAuthAccount } from './link-oauth-account.ts';
import type { OAuthProvider } from './oauth-provider.ts';

const STATE_COOKIE = 'strata_oauth_state';
const VERIFIER_COOKIE = 'strata_oauth_verifier';
const COOKIE_PATH = '/auth/oauth';
const FLOW_SECONDS = 600;
const route = /^\/auth\/oauth\/([a-z0-9-]+)\/(start|callback)$/;

/**
 * The OAuth routes: `GET /auth/oauth/:provider/start` sets the state and
 * PKCE verifier cookies (10 minutes, HttpOnly, SameSite=Lax so the
 * provider's redirect back carries them) and redirects to the provider;
 * `GET /auth/oauth/:provider/callback` checks state and verifier, exchanges
 * the code, reads the profile, links or creates the user and sets the
 * session cookie. Every failure redirects to the failure URL with
 * `?error=<reason>` and creates no session; failed state checks and code
 * exchanges count toward the client address's sign-in failure limit, and a
 * throttled address gets `?error=rate_limited` before any work is done.
 */
export function createOAuthRoutes(auth: UserAuth, providers: Map<string, OAuthProvider>) {
  const secure = auth.config.secureCookies;
  const flowCookie = (name: string, value: string, maxAge = FLOW_SECONDS) => serializeCookie(name, value, { path: COOKIE_PATH, maxAge, secure });
  const redirect = (location: string, cookies: string[]) => {
    const headers = new Headers({ location, 'cache-control': 'no-store' });
    for (const cookie of cookies) headers.append('set-cookie', cookie);
    return new Response(null, { status: 302, headers });
  };
  const clearFlow = [flowCookie(STATE_COOKIE, '', 0), flowCookie(VERIFIER_COOKIE, '', 0)];
  const fail = (provider: string, reason: string, detail?: unknown) => {
    auth.log.warn({ provider, reason, err: detail instanceof Error ? detail.message : undefined }, 'OAuth sign-in failed');
    const url = new URL(auth.config.oauth.failureUrl);
    url.searchParams.set('error', reason);
    return redirect(url.toString(), clearFlow);
  };

  async function start(provider: OAuthProvider): Promise<Response> {
    const state = generateState();
    const verifier = generateCodeVerifier();
    const { authorization } = await provider.endpoints();
    const url = provider.client.createAuthorizationURLWithPKCE(authorization, state, CodeChallengeMethod.S256, verifier, provider.scopes);
    return redirect(url.toString(), [flowCookie(STATE_COOKIE, `${provider.id}.${state}`), flowCookie(VERIFIER_COOKIE, verifier)]);
  }

  async function callback(provider: OAuthProvider, request: Request, url: URL, ip: string): Promise<Response> {
    if (url.searchParams.has('error')) return fail(provider.id, 'provider_denied');
    // Failed callbacks count toward the client address's sign-in failures: a flood of forged codes or states is cut off.
    const bucket = auth.throttle.ip(ip);
    const counted = async (reason: string, detail?: unknown) => {
      await auth.throttle.fail([bucket]);
      return fail(provider.id, reason, detail);
    };
    try {
      await auth.throttle.assertOpen([bucket]);
    } catch (error) {
      return fail(provider.id, 'rate_limited', error);
    }
    const cookies = request.headers.get('cookie');
    const code = url.searchParams.get('code');
    const state = url.searchParams.get('state');
    const storedState = readCookie(cookies, STATE_COOKIE);
    const verifier = readCookie(cookies, VERIFIER_COOKIE);
    if (!code || !state || !storedState || storedState !== `${provider.id}.${state}`) return counted('invalid_state');
    if (!verifier) return counted('missing_verifier');
    let profile;
    try {
      const tokens = await provider.client.validateAuthorizationCode((await provider.endpoints()).token, code, verifier);
      // Some providers (GitHub) answer 200 with an error body instead of tokens.
      if (typeof (tokens.data as { access_token?: unknown }).access_token !== 'string') throw new Error('no access token in the token response');
      profile = await provider.profile(tokens);
    } catch (error) {
      return counted('exchange_failed', error);
    }
    const linked = await linkOAuthAccount(auth, provider.id, profile);
    if ('error' in linked) return fail(provider.id, linked.error);
    const { token, session } = await auth.sessions.create(linked.userId);
    const maxAge = (session.expiresAt.getTime() - auth.clock.now().getTime()) / 1000;
    const sessionCookie = serializeCookie(sessionCookieName(auth.config), token, { maxAge, secure });
    return redirect(auth.config.oauth.successUrl, [...clearFlow, sessionCookie]);
  }

  /** Answers an OAuth route, or returns null for any other path; `ip` is the client's address (for the failure throttle). */
  return async function handle(request: Request, url: URL, ip: string): Promise<Response | null> {
    const match = route.exec(url.pathname);
    if (!match) return null;
    const provider = providers.get(match[1]);
    if (!provider || request.method !== 'GET') return new Response('Not found', { status: 404 });
    try {
      return match[2] === 'start' ? await start(provider) : await callback(provider, request, url, ip);
    } catch (error) {
      auth.log.error({ err: error, provider: provider.id }, 'OAuth route failed');
      return match[2] === 'start' ? new Response('OAuth provider unavailable', { status: 502 }) : fail(provider.id, 'server_error');
    }
  };
}

