import net from 'node:net';
import os from 'node:os';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who may talk to the host's HTTP servers (the control surface and OSCQuery), whatever the page in the
 * VJ's own browser says. Two checks, both before anything else runs:
 * - Host: a name must be one of this machine's (localhost, its hostname); an IP literal is fine. A page
 *   that rebinds its own DNS name to 127.0.0.1 still sends its own name, and is refused.
 * - Origin: a browser names the page that made a request or opened a socket; one from any other origin
 *   is refused, reads included. Tools that are not browsers send no Origin and pass (behind the token on
 *   the network).
 */
export function refusal(headers: IncomingHttpHeaders): string | null {
  const host = headers.host;
  if (typeof host !== 'string' || !hostAllowed(host)) return `host ${JSON.stringify(String(host ?? '').slice(0, 80))} is not this machine's name`;
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return `requests from another origin (${String(origin).slice(0, 80)}) are refused`;
  if (origin === undefined && headers['sec-fetch-site'] === 'cross-site') return 'cross-site requests are refused';
  return null;
}

/** The hostname part of a Host header, without the port, brackets stripped from IPv6. */
export function hostName(hostHeader: string): string {
  const trimmed = hostHeader.trim().toLowerCase();
  // "[::1]:8080" -> "::1"; "host:8080" -> "host"; a bare IPv6 address (several colons) stays whole.
  if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.includes(']') ? trimmed.indexOf(']') : undefined);
  const colon = trimmed.lastIndexOf(':');
  return colon >= 0 && trimmed.indexOf(':') === colon ? trimmed.slice(0, colon) : trimmed;
}

export function hostAllowed(hostHeader: string): boolean {
  const name = hostName(hostHeader);
  if (net.isIP(name)) return true;
  return machineNames().has(name);
}

let names: Set<string> | null = null;
function machineNames(): Set<string> {
  if (!names) {
    const hostname = os.hostname().toLowerCase();
    names = new Set(['localhost', hostname, `${hostname}.local`, `${hostname.split('.')[0]}.local`]);
  }
  return names;
}
