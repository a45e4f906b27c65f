import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { Server, type Socket } from 'socket.io';
import { compileSchema, formatErrors } from '../core/validation.js';
import { describeError } from '../core/errors.js';
import type { Log } from '../core/log.js';
import { checkToken } from './auth.js';
import { refusal } from '../core/http-guard.js';
import { applyChanges, paramViews } from './api/params.js';
import { HttpError } from './errors.js';
import { Action, BODY_LIMIT, ParamChanges, Subscription, type ClientToServer, type ParamUpdate, type ServerToClient } from './protocol.js';
import { RateLimiter } from './rate-limit.js';
import type { ControlDeps } from './deps.js';

const FLUSH_MS = 33; // changes to each client at most 30 times a second (on average)
const FLUSH_BURST = 3;
const STATS_MS = 250; // 4 Hz
const CLOCK_JUMP_MS = 2000;
const MAX_SOCKETS = 64;

interface Client {
  socket: Socket<ClientToServer, ServerToClient>;
  origin: string;
  pending: Map<string, ParamUpdate>;
  /** Sends left (30 a second, up to 3 at once) and when they were counted, and the timer of a waiting batch. */
  flushTokens: number;
  lastFlush: number;
  flushTimer: NodeJS.Timeout | null;
  /** Live values of modulated parameters last sent, to send only movement. */
  /** Host time minus client time, the smallest seen: the client's clock mapped onto the host's with the least transit. */
  clockOffset: number;
  sentModulated: Map<string, unknown>;
  stats: boolean;
  signals: { names: string[]; everyMs: number; lastAt: number } | null;
  preview: { width: number; quality: number; everyMs: number; lastAt: number; inFlight: boolean } | null;
}

export interface LiveStats {
  clients: number;
  changesReceived: number;
  changesDropped: number;
  refused: number;
  previewsSent: number;
  previewsDropped: number;
}

export interface Live {
  stats(): LiveStats;
  close(): void;
}

const validSubscription = compileSchema(Subscription);
const validChanges = compileSchema(ParamChanges);
const validAction = compileSchema(Action);

/**
 * socket.io beside the REST API: parameter changes both ways (checked at the edge, rate-limited per
 * client, coalesced to 30 Hz per client, never echoed to the client that made them), stats at 4 Hz,
 * signal meters and preview JPEGs only to clients that asked, a slow client's previews dropped.
 */
export function attachLive(app: FastifyInstance, deps: ControlDeps, options: { token: string | null; log: Log; changesPerSecond: number }): Live {
  const { engine } = deps;
  const token = options.token;
  const io = new Server<ClientToServer, ServerToClient>(app.server, {
    serveClient: false,
    maxHttpBufferSize: BODY_LIMIT,
    // Checked before a session exists: a page on another origin, a rebound DNS name, a missing token
    // or one socket too many gets no handshake at all.
    allowRequest: (request, callback) => {
      const refused = refusal(request.headers);
      if (refused) return callback(refused, false);
      const query = new URL(request.url ?? '/', 'http://host').searchParams.get('token') ?? undefined;
      if (token && !checkToken(request.headers.authorization, query, token, request.headers.cookie)) return callback('unauthorized: a valid token is required', false);
      if (io.engine.clientsCount >= MAX_SOCKETS) return callback(`more than ${MAX_SOCKETS} surfaces are connected`, false);
      callback(null, true);
    },
  });
  const clients = new Map<string, Client>();
  const limiter = new RateLimiter(options.changesPerSecond);
  const counters = { changesReceived: 0, refused: 0, previewsSent: 0, previewsDropped: 0 };


  const refill = (client: Client, now: number): void => {
    client.flushTokens = Math.min(FLUSH_BURST, client.flushTokens + (now - client.lastFlush) / FLUSH_MS);
    client.lastFlush = now;
  };
  const flushClient = (client: Client): void => {
    client.flushTimer = null;
    if (client.pending.size === 0) return;
    refill(client, performance.now());
    client.flushTokens = Math.max(0, client.flushTokens - 1);
    client.socket.emit('params:changed', Object.fromEntries(client.pending));
    client.pending.clear();
  };
  /**
   * Changes go out at once while the client has sends left (30 a second on average, a burst of 3), so
   * a fader move is not held back by a frame boundary; faster than that they wait and coalesce.
   */
  const scheduleFlush = (client: Client): void => {
    if (client.flushTimer) return;
    refill(client, performance.now());
    const wait = client.flushTokens >= 1 ? 0 : (1 - client.flushTokens) * FLUSH_MS;
    if (wait === 0) flushClient(client);
    else client.flushTimer = setTimeout(() => flushClient(client), wait);
  };
  const offChange = engine.params.onChange((entry, _value, origin) => {
    for (const client of clients.values()) {
      if (origin === client.origin) continue; // no echo to the surface that made it
      client.pending.set(entry.path, { base: entry.base, value: entry.target[entry.key] });
      scheduleFlush(client);
    }
  });
  // New decks' parameters, or routes that start or stop modulating one: every client gets the list again.
  const resendList = (): void => {
    if (clients.size === 0) return;
    const list = paramViews(deps);
    for (const client of clients.values()) client.socket.emit('params:list', list);
  };
  const offNamespace = engine.params.onNamespaceChange(resendList);
  const offRoutes = engine.modulation.matrix.onChange(() => setImmediate(resendList));

  const refuse = (client: Client, event: string, problems: string[]): void => {
    counters.refused++;
    client.socket.emit('refused', { event, problems });
  };

  io.on('connection', (socket) => {
    const client: Client = { socket, origin: `socket:${socket.id}`, pending: new Map(), clockOffset: Infinity, flushTokens: FLUSH_BURST, lastFlush: performance.now(), flushTimer: null, sentModulated: new Map(), stats: false, signals: null, preview: null };
    clients.set(socket.id, client);
    socket.emit('params:list', paramViews(deps));

    socket.on('params:set', (changes: unknown) => {
      if (!validChanges(changes)) return refuse(client, 'params:set', formatErrors(validChanges.errors ?? [], 'changes'));
      const count = Object.keys(changes as object).length;
      counters.changesReceived += count;
      if (!limiter.take(client.origin, count)) return refuse(client, 'params:set', [`more than ${options.changesPerSecond} changes a second: dropped`]);
      try {
        applyChanges(deps, changes as ParamChanges, client.origin);
      } catch (error) {
        refuse(client, 'params:set', error instanceof HttpError ? error.problems : [describeError(error)]);
      }
    });

    socket.on('subscribe', (subscription: unknown) => {
      if (!validSubscription(subscription)) return refuse(client, 'subscribe', formatErrors(validSubscription.errors ?? [], 'subscription'));
      const s = subscription as Subscription;
      if (s.stats !== undefined) client.stats = s.stats;
      if (s.signals !== undefined) client.signals = s.signals ? { names: s.signals.names, everyMs: 1000 / s.signals.rate, lastAt: 0 } : null;
      if (s.preview !== undefined) client.preview = s.preview ? { width: s.preview.width, quality: s.preview.quality, everyMs: 1000 / s.preview.fps, lastAt: 0, inFlight: false } : null;
    });

    socket.on('action', (action: unknown) => {
      if (!validAction(action)) return refuse(client, 'action', formatErrors(validAction.errors ?? [], 'action'));
      const { path, args = [], at } = action as Action;
      if (!engine.actions.has(path)) return refuse(client, 'action', [`path: no action "${path}"`]);
      const arrived = performance.now();
      let time = arrived;
      if (at !== undefined) {
        const sample = arrived - at;
        client.clockOffset = Math.min(client.clockOffset, sample);
        let mapped = at + client.clockOffset;
        // A client clock that jumped (a reloaded page, or a lie) would put every later tap far in the past:
        // start the mapping over from this sample, which lands at its arrival.
        if (!(mapped > arrived - CLOCK_JUMP_MS)) {
          client.clockOffset = sample;
          mapped = arrived;
        }
        time = Math.min(arrived, mapped);
      }
      const queued = engine.actions.request(path, args, time);
      if (!queued.ok) refuse(client, 'action', [queued.problem]);
    });

    socket.on('disconnect', () => {
      if (client.flushTimer) clearTimeout(client.flushTimer);
      clients.delete(socket.id);
      limiter.forget(client.origin);
    });
  });

  let liveTick = 0;
  const flush = setInterval(() => {
    if (clients.size === 0) return;
    const now = performance.now();
    liveTick = (liveTick + 1) % 2;
    const modulated = liveTick === 0 ? engine.params.list().filter((e) => e.modulated) : [];
    for (const client of clients.values()) {
      // Modulated values on their own event and rate, so they never hold back a change someone made.
      let live: Record<string, unknown> | null = null;
      for (const e of modulated) {
        const value = e.target[e.key];
        if (client.sentModulated.get(e.path) !== value) {
          client.sentModulated.set(e.path, value);
          (live ??= {})[e.path] = value;
        }
      }
      if (live) client.socket.volatile.emit('params:live', live);
      if (client.signals && now - client.signals.lastAt >= client.signals.everyMs) {
        client.signals.lastAt = now;
        const values: Record<string, number> = {};
        for (const name of client.signals.names) values[name] = engine.modulation.bus.valueOf(name) ?? 0;
        client.socket.volatile.emit('signals', values);
      }
    }
    sendPreviews(now);
  }, FLUSH_MS);
  flush.unref();

  const statsTimer = setInterval(() => {
    let stats: unknown = null;
    for (const client of clients.values()) {
      if (!client.stats) continue;
      stats ??= { ...engine.stats(), sections: { ...engine.stats().sections, control: live.stats() } };
      client.socket.volatile.emit('stats', stats);
    }
  }, STATS_MS);
  statsTimer.unref();

  /** One JPEG per size and quality for all clients that are due; a client still receiving the last one is skipped. */
  const sendPreviews = (now: number): void => {
    const frame = engine.lastFrame;
    if (!frame) return;
    const groups = new Map<string, Client[]>();
    for (const client of clients.values()) {
      const p = client.preview;
      // Due within half a tick counts as due: previews keep their rate on the 33 ms timer.
      if (!p || now - p.lastAt < p.everyMs - FLUSH_MS / 2) continue;
      p.lastAt = now;
      if (p.inFlight) {
        counters.previewsDropped++;
        continue;
      }
      const key = `${p.width}:${p.quality}`;
      groups.set(key, [...(groups.get(key) ?? []), client]);
    }
    if (groups.size === 0) return;
    // sharp reads the pixels after this tick: it gets its own copy of the frame.
    const pixels = Buffer.from(frame.data);
    const { width, height, index } = frame;
    for (const [key, members] of groups) {
      const [w, q] = key.split(':').map(Number) as [number, number];
      const outWidth = Math.min(w, width);
      const outHeight = Math.max(1, Math.round((height * outWidth) / width));
      for (const m of members) m.preview!.inFlight = true;
      sharp(pixels, { raw: { width, height, channels: 4 } })
        .resize(outWidth, outHeight, { kernel: 'linear' })
        .jpeg({ quality: q })
        .toBuffer()
        .then(
          (jpeg) => {
            for (const m of members) {
              if (!m.preview) continue;
              counters.previewsSent++;
              m.socket.timeout(5000).emit('preview', { index, width: outWidth, height: outHeight, jpeg }, () => {
                if (m.preview) m.preview.inFlight = false;
              });
            }
          },
          (error: unknown) => {
            for (const m of members) if (m.preview) m.preview.inFlight = false;
            options.log.error({ err: describeError(error) }, 'preview encoding failed');
          },
        );
    }
  };

  const live: Live = {
    stats: () => ({ clients: clients.size, changesReceived: counters.changesReceived, changesDropped: limiter.dropped, refused: counters.refused, previewsSent: counters.previewsSent, previewsDropped: counters.previewsDropped }),
    close() {
      clearInterval(flush);
      clearInterval(statsTimer);
      offChange();
      offNamespace();
      offRoutes();
      void io.close();
    },
  };
  return live;
}
