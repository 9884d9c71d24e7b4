import type { AuthTestApp } from './auth-test-app.ts';

export const SIGN_UP = 'mutation($email: String!, $password: String!, $name: String) { signUp(email: $email, password: $password, name: $name) { message emailVerificationRequired } }';
export const SIGN_IN = 'mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { token expiresAt user { id email role } } }';
export const VIEWER = '{ viewer { id email role } }';

/** The token in the last link mailed to `to`. */
export function mailedToken(t: AuthTestApp, to: string): string {
  const text = t.outbox.last(to)?.text ?? '';
  const token = /[?&]token=([a-z2-7]+)/.exec(text)?.[1];
  if (!token) throw new Error(`no token mailed to ${to}: ${text}`);
  return token;
}

/** Signs up, verifies through the mailed link and returns the session token. */
export async function registerUser(t: AuthTestApp, email: string, password = 'correct horse battery', peer?: string): Promise<string> {
  const up = await t.gql(SIGN_UP, { email, password }, { peer });
  if (up.body.errors) throw new Error(JSON.stringify(up.body.errors));
  await t.app.auth.idle();
  const verified = await t.gql('mutation($t: String!) { verifyEmail(token: $t) { token } }', { t: mailedToken(t, email) }, { peer });
  if (verified.body.errors) throw new Error(JSON.stringify(verified.body.errors));
  return verified.body.data.verifyEmail.token;
}

/** Signs in and returns the token. */
export async function signIn(t: AuthTestApp, email: string, password = 'correct horse battery', peer?: string): Promise<string> {
  const res = await t.gql(SIGN_IN, { email, password }, { peer });
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.signIn.token;
}

export const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** The value of cookie `name` among Set-Cookie headers. */
export function cookieValue(cookies: string[], name: string): string | undefined {
  const found = cookies.find((c) => c.startsWith(`${name}=`));
  return found === undefined ? undefined : decodeURIComponent(found.slice(name.length + 1).split(';')[0]);
}
