import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A token for listening on the network: 128 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

/** `Authorization: Bearer <token>` or `?token=<token>` (the URL printed at start), compared in constant time. */
export function checkToken(header: string | undefined, query: unknown, token: string): boolean {
  const given = header?.startsWith('Bearer ') ? header.slice(7) : typeof query === 'string' ? query : null;
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
