import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie a page loaded with the token carries from then on, so the assets it loads are let in too. */
export const TOKEN_COOKIE = 'vjhost_token';

/** A token for listening on the network: 128 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

/** The token a request carries: `Authorization: Bearer <token>` (any case), `?token=<token>` or the cookie. */
export function givenToken(header: string | undefined, query: unknown, cookie?: string): string | null {
  const bearer = header?.match(/^\s*bearer\s+(\S+)\s*$/i)?.[1];
  if (bearer) return bearer;
  if (typeof query === 'string' && query) return query;
  return cookie ? readCookie(cookie, TOKEN_COOKIE) : null;
}

/** Compared in constant time. */
export function checkToken(header: string | undefined, query: unknown, token: string, cookie?: string): boolean {
  const given = givenToken(header, query, cookie);
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Set-Cookie` for the token: not readable by scripts, sent only by this host's own pages. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

function readCookie(header: string, name: string): string | null {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
