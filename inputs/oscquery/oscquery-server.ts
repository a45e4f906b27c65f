import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { encode } from 'node-osc';
import { WebSocketServer, type WebSocket } from 'ws';
import { describeError } from '../../core/errors.js';
import { refusal } from '../../core/http-guard.js';
import type { Log } from '../../core/log.js';
import type { InputPort } from '../port.js';
import { oscArguments } from '../osc/osc-value.js';
import type { FeedbackHandle } from '../../params/feedback-coalescer.js';
import type { OscQueryConfig } from './oscquery-config.js';
import { advertise } from './mdns.js';
import { buildNamespace, nodeAt, type OscQueryNode } from './namespace.js';

const ATTRIBUTES = ['FULL_PATH', 'CONTENTS', 'TYPE', 'ACCESS', 'VALUE', 'RANGE', 'DESCRIPTION', 'UNIT', 'TAGS', 'CRITICAL'] as const;
const MAX_LISTENS_PER_CLIENT = 4096;
const MAX_SOCKETS = 64;

/**
 * OSCQuery (the proposal by Vidvox & co.): the namespace as JSON over HTTP, generated from the same
 * parameter schemas as everything else, plus LISTEN/IGNORE over a WebSocket on the same port, after
 * which changes to the listened paths arrive as binary OSC messages.
 */
export class OscQueryServer {
  private server: http.Server | null = null;
  private wss: WebSocketServer | null = null;
  private unadvertise: (() => void)[] = [];
  /** Each socket's listened paths, and its place in the feedback coalescer. */
  private readonly listening = new Map<WebSocket, { paths: Set<string>; feedback: FeedbackHandle }>();
  private portValue: number | null = null;

  constructor(
    private readonly engine: InputPort,
    private readonly config: OscQueryConfig,
    private readonly oscPort: () => number | null,
    private readonly log: Log,
  ) {}

  get port(): number | null {
    return this.portValue;
  }

  async start(): Promise<number | null> {
    const server = http.createServer((req, res) => this.answer(req, res));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.config.port, this.config.bind, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.log.error(`OSCQuery unavailable on ${this.config.bind}:${this.config.port}: ${describeError(error)}; the show goes on without it`);
      return null;
    }
    server.on('error', (error) => this.log.warn(`OSCQuery server error: ${describeError(error)}`));
    this.server = server;
    this.portValue = (server.address() as AddressInfo).port;
    this.wss = new WebSocketServer({
      server,
      maxPayload: 64 * 1024,
      // The same checks as HTTP: no socket for a page on another origin or a rebound DNS name.
      verifyClient: ({ req }: { req: http.IncomingMessage }) => refusal(req.headers) === null && this.listening.size < MAX_SOCKETS,
    });
    this.wss.on('connection', (ws) => this.onSocket(ws));
    this.wss.on('error', () => {});
    // One name per host and port: two hosts (on one machine or a LAN) must not answer to the same name.
    const name = `vj-host (${os.hostname()}:${this.portValue})`;
    this.unadvertise.push(advertise(name, '_oscjson._tcp', this.portValue, this.log));
    const osc = this.oscPort();
    if (osc) this.unadvertise.push(advertise(name, '_osc._udp', osc, this.log));
    return this.portValue;
  }

  async stop(): Promise<void> {
    for (const stop of this.unadvertise) stop();
    for (const { feedback } of this.listening.values()) feedback.remove();
    for (const ws of this.listening.keys()) ws.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  hostInfo(): Record<string, unknown> {
    return {
      NAME: 'vj-host',
      OSC_PORT: this.oscPort(),
      OSC_TRANSPORT: 'UDP',
      WS_PORT: this.portValue,
      EXTENSIONS: {
        ACCESS: true, VALUE: true, RANGE: true, DESCRIPTION: true, TYPE: true, UNIT: true,
        TAGS: true, CLIPMODE: false, CRITICAL: true, OVERLOADS: false, LISTEN: true, PATH_CHANGED: false,
      },
    };
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    try {
      const refused = refusal(req.headers);
      if (refused) return reply(res, 403, { error: refused });
      if (req.method !== 'GET') return reply(res, 405, { error: 'only GET' });
      const url = new URL(req.url ?? '/', 'http://localhost');
      const query = url.search.slice(1);
      if (query === 'HOST_INFO') return reply(res, 200, this.hostInfo());
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        return reply(res, 400, { error: `not a valid path: ${url.pathname.slice(0, 80)}` });
      }
      const root = buildNamespace(this.engine.params.list(), this.engine.actions.list());
      const node = nodeAt(root, path);
      if (!node) return reply(res, 404, { error: `no such path: ${url.pathname}` });
      if (!query) return reply(res, 200, node);
      if (!(ATTRIBUTES as readonly string[]).includes(query)) return reply(res, 400, { error: `unknown attribute: ${query}` });
      const value = node[query as keyof OscQueryNode];
      if (value === undefined) return reply(res, 204, null);
      return reply(res, 200, { [query]: value });
    } catch (error) {
      reply(res, 500, { error: describeError(error) });
    }
  }

  private onSocket(ws: WebSocket): void {
    const paths = new Set<string>();
    const feedback = this.engine.feedback.add({
      wants: (entry) => paths.has(entry.path),
      deliver: (changes) => {
        for (const { entry, value } of changes) {
          try {
            ws.send(encode({ oscType: 'message', address: entry.path, args: oscArguments(entry.info, value) }));
          } catch {
            // a closing socket: its listens go with it
          }
        }
      },
    });
    this.listening.set(ws, { paths, feedback });
    const forget = (): void => {
      feedback.remove();
      this.listening.delete(ws);
    };
    ws.on('close', forget);
    ws.on('error', forget);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return; // OSC from a websocket client is not a control path here
      let command: { COMMAND?: unknown; DATA?: unknown };
      try {
        command = JSON.parse(Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(data as Buffer[]).toString("utf8")) as { COMMAND?: unknown; DATA?: unknown };
      } catch {
        return;
      }
      if (typeof command.DATA !== 'string') return;
      if (command.COMMAND === 'LISTEN' && this.engine.params.has(command.DATA) && paths.size < MAX_LISTENS_PER_CLIENT) paths.add(command.DATA);
      if (command.COMMAND === 'IGNORE') paths.delete(command.DATA);
    });
  }
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === null ? undefined : JSON.stringify(body));
}
