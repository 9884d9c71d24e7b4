import type { IncomingMessage } from 'node:http';
import type { Auth } from '../../auth/create-auth.ts';
import { clientAddress, createProxyList } from '../../auth/throttle/client-address.ts';
import { anonymous, type Viewer } from '../../base/viewer.ts';

const proxyLists = new WeakMap<Auth, (address: string) => boolean>();

/**
 * Who is on a websocket connection: the one place that adapts the auth
 * module to graphql-ws. Credentials come from the `connection_init` payload
 * (`{ authorization: 'Bearer …' }`, `{ token }`, `{ adminSecret }`, or the
 * same under `headers`) or from the upgrade request (session cookie,
 * `Authorization` header). Throws UNAUTHENTICATED for bad credentials;
 * anonymous when there are none (or no auth is configured).
 */
export async function resolveConnectionViewer(
  auth: Auth | undefined,
  request: IncomingMessage,
  connectionParams: Record<string, unknown> | undefined,
): Promise<Viewer> {
  if (!auth) return anonymous;
  let trusted = proxyLists.get(auth);
  if (!trusted) proxyLists.set(auth, (trusted = createProxyList(auth.config.trustedProxies)));
  const forwarded = request.headers['x-forwarded-for'];
  const ip = clientAddress(request.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(', ') : forwarded, trusted);
  return auth.resolveViewer({ headers: request.headers, connectionParams: connectionParams ?? null, ip });
}
