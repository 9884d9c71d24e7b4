import type { HttpExchange } from '../../base/context.ts';

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

/** Queues a Set-Cookie header for the response of the request (no-op for operations run without HTTP); `useAuth` sets them. */
export function queueCookie(http: HttpExchange | undefined, setCookie: string): void {
  http?.cookies.push(setCookie);
}

/** The Set-Cookie headers queued for the response, cleared as they are taken. */
export function takeQueuedCookies(http: HttpExchange | undefined): string[] {
  return http ? http.cookies.splice(0) : [];
}
