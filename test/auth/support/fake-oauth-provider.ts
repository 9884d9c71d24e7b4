import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The person the fake provider signs in next. */
export interface FakeUser {
  sub: string;
  email: string;
  emailVerified: boolean;
  name?: string;
}

interface Grant {
  user: FakeUser;
  challenge: string;
  redirectUri: string;
  used: boolean;
}

const base64url = (buf: Buffer) => buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * A small OAuth 2.0 / OpenID Connect provider on 127.0.0.1 (port 0) that is
 * as strict as real ones: codes are single-use, the PKCE verifier must
 * match the S256 challenge, the redirect URI and client credentials must
 * match. It serves an OIDC issuer (discovery, /authorize, /token, /userinfo)
 * and GitHub's paths (/login/oauth/*, /api/user, /api/user/emails).
 */
export class FakeOAuthProvider {
  /** Who signs in at the next authorization. */
  next: FakeUser = { sub: 'u-1', email: 'oauth@example.com', emailVerified: true, name: 'OAuth User' };
  /** Token requests the provider received, with their outcome. */
  readonly tokenRequests: { code: string; ok: boolean }[] = [];
  private readonly grants = new Map<string, Grant>();
  private readonly tokens = new Map<string, FakeUser>();
  private server!: Server;
  url = '';

  constructor(private readonly clientId = 'client-id', private readonly clientSecret = 'client-secret') {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req).then(
        ({ status, body, headers = {} }) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(body === undefined ? '' : JSON.stringify(body));
        },
        (error) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Plays the browser at the provider: follows the authorization URL and returns the callback URL it redirects to. */
  async authorize(authorizationUrl: string): Promise<URL> {
    const response = await fetch(authorizationUrl, { redirect: 'manual' });
    if (response.status !== 302) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
    return new URL(response.headers.get('location')!);
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const url = new URL(req.url!, this.url);
    const github = url.pathname.startsWith('/login/oauth') || url.pathname.startsWith('/api/');
    switch (url.pathname) {
      case '/.well-known/openid-configuration':
        return {
          status: 200,
          body: { issuer: this.url, authorization_endpoint: `${this.url}/authorize`, token_endpoint: `${this.url}/token`, userinfo_endpoint: `${this.url}/userinfo` },
        };
      case '/authorize':
      case '/login/oauth/authorize':
        return this.authorizeEndpoint(url);
      case '/token':
      case '/login/oauth/access_token':
        return this.tokenEndpoint(req, github);
      case '/userinfo': {
        const user = this.bearer(req);
        if (!user) return { status: 401, body: { error: 'invalid_token' } };
        return { status: 200, body: { sub: user.sub, email: user.email, email_verified: user.emailVerified, name: user.name } };
      }
      case '/api/user': {
        const user = this.bearer(req);
        return user ? { status: 200, body: { id: Number(user.sub.replace(/\D/g, '')) || 1, login: user.sub, name: user.name ?? null } } : { status: 401 };
      }
      case '/api/user/emails': {
        const user = this.bearer(req);
        return user ? { status: 200, body: [{ email: user.email, primary: true, verified: user.emailVerified }] } : { status: 401 };
      }
    }
    return { status: 404, body: { error: 'not_found' } };
  }

  private authorizeEndpoint(url: URL) {
    const p = url.searchParams;
    if (p.get('client_id') !== this.clientId || p.get('response_type') !== 'code' || p.get('code_challenge_method') !== 'S256') {
      return { status: 400, body: { error: 'invalid_request' } };
    }
    const code = base64url(randomBytes(16));
    this.grants.set(code, { user: { ...this.next }, challenge: p.get('code_challenge')!, redirectUri: p.get('redirect_uri')!, used: false });
    const target = new URL(p.get('redirect_uri')!);
    target.searchParams.set('code', code);
    target.searchParams.set('state', p.get('state')!);
    return { status: 302, headers: { location: target.toString() } };
  }

  private async tokenEndpoint(req: IncomingMessage, github: boolean) {
    const body = new URLSearchParams(await readBody(req));
    const code = body.get('code') ?? '';
    const grant = this.grants.get(code);
    const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64');
    const verifier = body.get('code_verifier') ?? '';
    const ok =
      !!grant &&
      !grant.used &&
      req.headers.authorization === `Basic ${basic}` &&
      body.get('redirect_uri') === grant.redirectUri &&
      base64url(createHash('sha256').update(verifier).digest()) === grant.challenge;
    this.tokenRequests.push({ code, ok });
    if (!ok) {
      if (grant) grant.used = true; // a replayed or tampered code is burnt, as RFC 6749 section 4.1.2 asks
      // GitHub answers errors with 200 and an error body; standard providers with 400.
      return { status: github ? 200 : 400, body: { error: 'invalid_grant' } };
    }
    grant.used = true;
    const accessToken = base64url(randomBytes(24));
    this.tokens.set(accessToken, grant.user);
    return { status: 200, body: { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 } };
  }

  private bearer(req: IncomingMessage): FakeUser | undefined {
    return this.tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
