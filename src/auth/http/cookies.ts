/** Options of a Set-Cookie header. HttpOnly and SameSite=Lax are always set. */
export interface CookieOptions {
  /** Seconds until the browser drops it; 0 deletes it. Absent: a browser-session cookie. */
  maxAge?: number;
  /** @default / */
  path?: string;
  /** `Secure` (HTTPS only); on in production. @default false */
  secure?: boolean;
}

/** Reads one cookie from a `Cookie` header. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path, and Secure/Max-Age as asked. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path ?? '/'}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAge !== undefined) {
    parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAge))}`);
    if (options.maxAge <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  }
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

// Set-Cookie values resolvers asked for, by request; `useAuth` copies them onto the response.
const jars = new WeakMap<Request, string[]>();

/** Queues a Set-Cookie header for the response to `request` (no-op for operations run without HTTP). */
export function queueCookie(request: Request | undefined, setCookie: string): void {
  if (!request) return;
  const jar = jars.get(request) ?? [];
  jar.push(setCookie);
  jars.set(request, jar);
}

/** The Set-Cookie headers queued for `request`, cleared as they are taken. */
export function takeQueuedCookies(request: Request): string[] {
  const jar = jars.get(request) ?? [];
  jars.delete(request);
  return jar;
}
