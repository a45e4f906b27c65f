import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { distPath } from '../core/dist-path.js';
import { capProblems, compileSchema, formatErrors, jsonDepth, MAX_DEPTH } from '../core/validation.js';
import type { Log } from '../core/log.js';
import { decksApi } from './api/decks.js';
import { HttpError, type ApiError } from './errors.js';
import { checkToken, tokenCookie } from './auth.js';
import { refusal } from '../core/http-guard.js';
import { systemApi } from './api/system.js';
import { paramsApi } from './api/params.js';
import { routesApi } from './api/routes.js';
import { outputsApi } from './api/outputs.js';
import { presetsApi } from './api/presets.js';
import { showApi } from './api/show.js';
import { mediaApi } from './api/media.js';
import { attachLive, type Live } from './live/live.js';
import type { ControlDeps } from './deps.js';

export type { ControlDeps } from './deps.js';
import { BODY_LIMIT } from './protocol.js';
import { ErrorCode } from '../core/errors.js';

/** Open HTTP connections at once (sockets included): surfaces are a handful, a flood is refused by the kernel's accept. */
const MAX_CONNECTIONS = 256;

export interface ControlOptions {
  host: string;
  port: number;
  /** Required on every request and socket when set (listening beyond this machine). */
  token: string | null;
  log: Log;
  /** Parameter changes one client may make per second; more are dropped and counted. */
  changesPerSecond?: number;
}

export interface ControlServer {
  app: FastifyInstance;
  live: Live;
  /** The address it listens on (after listen). */
  url: string;
  close(): Promise<void>;
}

/**
 * fastify with the REST API (every body checked against the protocol's schemas, every error answered as
 * `{ error, message, problems }` naming the fields) and socket.io for live changes, stats, meters and
 * the preview. Not listening yet: `listen()` starts it, `inject()` tests it without sockets.
 */
export function createControlServer(deps: ControlDeps, options: ControlOptions): ControlServer {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
  app.server.maxConnections = MAX_CONNECTIONS;
  refuseDeepBodies(app);
  // The host's validator for every schema, so HTTP errors read like show-file errors.
  app.setValidatorCompiler(({ schema }) => compileSchema(schema));
  answerErrors(app, options.log);
  guardRequests(app, options.token);
  const limits = { changesPerSecond: options.changesPerSecond ?? 600 };
  void app.register((api, _opts, done) => {
    systemApi(api, deps);
    paramsApi(api, deps, limits);
    routesApi(api, deps);
    outputsApi(api, deps);
    presetsApi(api, deps);
    showApi(api, deps);
    mediaApi(api, deps);
    decksApi(api, deps, options.log);
    done();
  }, { prefix: '/api' });
  serveUi(app);
  const live = attachLive(app, deps, { token: options.token, log: options.log, changesPerSecond: limits.changesPerSecond });
  const server: ControlServer = {
    app,
    live,
    url: '',
    async close() {
      live.close();
      await app.close();
    },
  };
  return server;
}

/** Bodies nested past MAX_DEPTH are refused as they are parsed, before any recursive code walks them. */
function refuseDeepBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    void parseJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error);
      if (jsonDepth(value) > MAX_DEPTH) return done(new HttpError(400, ErrorCode.BadRequest, `body: nested deeper than ${MAX_DEPTH} levels`, [`body: nested deeper than ${MAX_DEPTH} levels`]));
      done(null, value);
    });
  });
}

/** Every error answered as `{ error, message, problems }`, naming the fields. */
function answerErrors(app: FastifyInstance, log: Log): void {
  app.setErrorHandler((error: Error & { validation?: Parameters<typeof formatErrors>[0]; validationContext?: string; statusCode?: number }, _request, reply) => {
    if (error.validation) {
      const problems = formatErrors(error.validation, error.validationContext ?? 'body');
      return reply.status(400).send({ error: ErrorCode.BadRequest, message: problems.join('; '), problems } satisfies ApiError);
    }
    if (error instanceof HttpError) {
      const problems = capProblems(error.problems);
      return reply.status(error.statusCode).send({ error: error.code, message: error.problems.length ? problems.join('; ') : error.message, problems } satisfies ApiError);
    }
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) log.error({ err: error.message }, 'control surface: request failed');
    return reply.status(status).send({ error: status === 500 ? ErrorCode.Internal : ErrorCode.BadRequest, message: error.message, problems: [] } satisfies ApiError);
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: ErrorCode.NotFound, message: `no route ${request.method} ${request.url.split('?')[0]}`, problems: [] } satisfies ApiError));
}

/** Before anything else: a page on another site or a rebound DNS name gets nothing, reads included; then the token. */
function guardRequests(app: FastifyInstance, token: string | null): void {
  app.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    const refused = refusal(request.headers);
    done(refused ? new HttpError(403, ErrorCode.Forbidden, refused, []) : undefined);
  });
  if (!token) return;
  app.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    const query = (request.query as Record<string, unknown> | undefined)?.token;
    if (!checkToken(request.headers.authorization, query, token, request.headers.cookie)) {
      done(new HttpError(401, ErrorCode.Unauthorized, 'a valid token is required (the URL the host printed at start carries it)'));
      return;
    }
    // The page opened from the printed URL: its scripts, styles and socket are let in by the cookie.
    if (typeof query === 'string') void reply.header('set-cookie', tokenCookie(token));
    done();
  });
}

/** The built UI (control-surface/web, bundled by Vite into dist): everything local, nothing from the internet. */
function serveUi(app: FastifyInstance): void {
  const root = distPath(import.meta.url, 'control-surface', 'web');
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    app.get('/', (_request, reply) => reply.type('text/plain').send('vj-host: the control surface UI is not built (npm run build:web); the API is at /api'));
    return;
  }
  void app.register(fastifyStatic, { root, index: ['index.html'], cacheControl: true, maxAge: 0 });
}

/** Starts listening; resolves with the URL (port 0 picks a free one). */
export async function listen(server: ControlServer, host: string, port: number): Promise<string> {
  const address = await server.app.listen({ host, port });
  server.url = address;
  return address;
}
