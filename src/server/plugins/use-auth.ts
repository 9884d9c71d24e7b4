import type { Plugin } from 'graphql-yoga';
import type { Auth, ServerContext } from '../../auth/create-auth.ts';
import { takeQueuedCookies } from '../../auth/http/cookies.ts';

/**
 * Serves the OAuth routes (`/auth/oauth/:provider/start|callback`) before
 * any GraphQL work, and copies the Set-Cookie headers that resolvers and
 * viewer resolution queued (sign-in, sign-out, session renewal) onto the
 * response. The viewer itself is resolved in the context factory.
 */
export function useAuth(auth: Auth): Plugin {
  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      const response = await auth.oauth?.(request, url, serverContext as ServerContext);
      if (response) endResponse(response);
    },
    onResponse({ serverContext, response }) {
      for (const cookie of takeQueuedCookies((serverContext as ServerContext).http)) response.headers.append('set-cookie', cookie);
    },
  };
}
