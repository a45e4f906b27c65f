import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Server } from 'socket.io';
import { compileSchema, formatErrors } from '../../core/validation.js';
import type { Log } from '../../core/log.js';
import { checkToken } from '../auth.js';
import { refusal } from '../../core/http-guard.js';
import { BODY_LIMIT, Subscription, type ClientToServer, type LiveStats, type ServerToClient } from '../protocol.js';
import { RateLimiter } from '../rate-limit.js';
import type { ControlDeps } from '../deps.js';
import type { LiveClient } from './client.js';
import { Meters } from './meters.js';
import { ParamSync } from './param-sync.js';
import { Previews } from './previews.js';
import { TimedActions } from './timed-actions.js';

/** The live channel's timer: meters, previews and modulated values are looked at 30 times a second. */
const TICK_MS = 33;
const STATS_MS = 250; // 4 Hz
const MAX_SOCKETS = 64;

export type { LiveStats };

export interface Live {
  stats(): LiveStats;
  close(): void;
}

const validSubscription = compileSchema(Subscription);

/**
 * socket.io beside the REST API: parameter changes both ways (param-sync.ts), timed actions, signal
 * meters and stats (meters.ts) and preview JPEGs (previews.ts), each only to the clients that asked.
 */
export function attachLive(app: FastifyInstance, deps: ControlDeps, options: { token: string | null; log: Log; changesPerSecond: number }): Live {
  const { engine } = deps;
  const io = new Server<ClientToServer, ServerToClient>(app.server, {
    serveClient: false,
    maxHttpBufferSize: BODY_LIMIT,
    allowRequest: (request, callback) => {
      const refused = admission(request, options.token, io.engine.clientsCount);
      callback(refused, refused === null);
    },
  });
  let refused = 0;
  const refuse = (client: LiveClient, event: string, problems: string[]): void => {
    refused++;
    client.socket.emit('refused', { event, problems });
  };
  const limiter = new RateLimiter(options.changesPerSecond);
  const sync = new ParamSync(deps, limiter, options.changesPerSecond, refuse);
  const actions = new TimedActions(engine.actions, refuse);
  const previews = new Previews(() => engine.lastFrame, TICK_MS, options.log);
  const meters = new Meters(engine.modulation.bus, () => ({ ...engine.stats(), sections: { ...engine.stats().sections, control: live.stats() } }));
  const clients = new Set<LiveClient>();
  const parts: Parts = { sync, actions, previews, meters, refuse };
  io.on('connection', (socket) => connect(socket, clients, parts));
  const stopTimers = startTimers(clients, parts);

  const live: Live = {
    stats: () => ({
      clients: clients.size, changesReceived: sync.changesReceived, changesDropped: limiter.dropped, refused,
      previewsSent: previews.sent, previewsDropped: previews.dropped,
    }),
    close() {
      stopTimers();
      sync.close();
      void io.close();
    },
  };
  return live;
}

/**
 * Checked before a session exists: a page on another origin, a rebound DNS name, a missing token or one
 * socket too many gets no handshake at all. Null: admitted.
 */
function admission(request: IncomingMessage, token: string | null, connected: number): string | null {
  const refused = refusal(request.headers);
  if (refused) return refused;
  const query = new URL(request.url ?? '/', 'http://host').searchParams.get('token') ?? undefined;
  if (token && !checkToken(request.headers.authorization, query, token, request.headers.cookie)) return 'unauthorized: a valid token is required';
  if (connected >= MAX_SOCKETS) return `more than ${MAX_SOCKETS} surfaces are connected`;
  return null;
}

interface Parts {
  sync: ParamSync;
  actions: TimedActions;
  previews: Previews;
  meters: Meters;
  refuse: (client: LiveClient, event: string, problems: string[]) => void;
}

/** A new surface: it joins every part of the live channel, and leaves them all when it goes. */
function connect(socket: LiveClient['socket'], clients: Set<LiveClient>, parts: Parts): void {
  const { sync, actions, previews, meters, refuse } = parts;
  const client: LiveClient = { socket, origin: `socket:${socket.id}` };
  clients.add(client);
  sync.join(client);
  actions.join(client);
  socket.on('subscribe', (subscription: unknown) => {
    if (!validSubscription(subscription)) return refuse(client, 'subscribe', formatErrors(validSubscription.errors ?? [], 'subscription'));
    const s = subscription as Subscription;
    meters.subscribe(client, s);
    if (s.preview !== undefined) previews.subscribe(client, s.preview);
  });
  socket.on('disconnect', () => {
    clients.delete(client);
    sync.leave(client);
    actions.leave(client);
    meters.leave(client);
    previews.leave(client);
  });
}

/** The live channel's timers; returns what stops them. */
function startTimers(clients: Set<LiveClient>, parts: Parts): () => void {
  // Modulated values at 15 Hz on their own event, so they never hold back a change someone made.
  let tick = 0;
  const liveTimer = setInterval(() => {
    if (clients.size === 0) return;
    const now = performance.now();
    tick = (tick + 1) % 2;
    if (tick === 0) parts.sync.sendModulated();
    parts.meters.sendSignals(now);
    parts.previews.send(now);
  }, TICK_MS);
  liveTimer.unref();
  const statsTimer = setInterval(() => parts.meters.sendStats(), STATS_MS);
  statsTimer.unref();
  return () => {
    clearInterval(liveTimer);
    clearInterval(statsTimer);
  };
}
