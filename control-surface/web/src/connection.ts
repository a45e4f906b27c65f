import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, ParamChanges, ServerToClient, Subscription } from '../../protocol';

/** The token the host printed in its URL (on the network); sent with every request and the socket. */
export const token = new URLSearchParams(location.search).get('token');

export const socket: Socket<ServerToClient, ClientToServer> = io({ transports: ['websocket'], auth: token ? { token } : {}, query: token ? { token } : {} });

/**
 * Moves made while the host cannot be reached are dropped, not kept for later: played into a restarted
 * host they would land on a show the surface no longer shows (socket.io would buffer and replay them).
 * On reconnect the host sends its state again and the surface shows that.
 */
export function setParams(changes: ParamChanges): void {
  if (socket.connected) socket.emit('params:set', changes);
}

export function subscribe(subscription: Subscription): void {
  socket.emit('subscribe', subscription);
}

/** Actions carry the moment they happened here, so a tap keeps the finger's rhythm whatever the network does. */
export function action(path: string, args: (number | string | boolean)[] = []): void {
  if (socket.connected) socket.emit('action', { path, args, at: performance.now() });
}

// The host maps those moments onto its clock by the least transit it has seen: samples from the moment
// the page connects, so the first taps are mapped as well as the later ones.
const sendClock = (): void => {
  if (socket.connected) socket.emit('clock', performance.now());
};
socket.on('connect', sendClock);
setInterval(sendClock, 1000);

export interface ApiResult<T> {
  ok: boolean;
  status: number;
  body: T & { message?: string; problems?: string[] };
}

/** The REST API, with the token; errors come back as { error, message, problems }. */
export async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const response = await fetch(`api${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await response.json().catch(() => ({}))) as ApiResult<T>['body'];
  return { ok: response.ok, status: response.status, body: json };
}
