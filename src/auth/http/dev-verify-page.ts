import type { UserAuth } from '../auth-core.ts';
import { confirmEmail } from '../flows/recovery-flows.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (status: number, title: string, body: string) =>
  new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head>` +
      `<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto"><h1>${escape(title)}</h1><p>${body}</p></body></html>`,
    { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" } },
  );

/**
 * Outside production, answers `GET <path of STRATA_AUTH_VERIFY_EMAIL_URL>?token=`
 * (by default `/verify-email` on this server, the link the dev outbox
 * prints): verifies the address and shows a small page, so the printed link
 * works without a frontend. Null for every other request. In production the
 * link belongs to your frontend, which calls the `verifyEmail` mutation.
 */
export function createDevVerifyPage(auth: UserAuth, graphqlPath: string) {
  const target = new URL(auth.config.verifyEmailUrl);
  const ours = target.origin === new URL(auth.config.publicUrl).origin;
  return async (request: Request, url: URL): Promise<Response | null> => {
    if (auth.mode === 'production' || !ours || request.method !== 'GET' || url.pathname !== target.pathname) return null;
    const token = url.searchParams.get('token') ?? '';
    try {
      const user = await confirmEmail(auth, token);
      return page(200, 'Email verified', `${escape(String(user.email))} is verified. Sign in with the <code>signIn</code> mutation in <a href="${escape(graphqlPath)}">GraphiQL</a>.`);
    } catch {
      return page(400, 'Link invalid or expired', 'Ask for a new one with the <code>requestEmailVerification</code> mutation.');
    }
  };
}
