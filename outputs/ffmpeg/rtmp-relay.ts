import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { describeError } from '../../core/errors.js';
import { decodeAmf0, encodeAmf0, type Amf0Value } from './amf0.js';

/**
 * Keeps a stream key out of ffmpeg's command line, where every local user can read it (`ps`, /proc).
 * ffmpeg publishes to this relay on 127.0.0.1 under a one-off stand-in name; the relay connects to the
 * real server (TLS for rtmps://) and passes the conversation through, except that in the commands
 * ffmpeg sends (`connect`, `releaseStream`, `FCPublish`, `publish` …) the stand-in becomes the real key
 * and the relay's address the server's. The key lives only in this process's memory.
 *
 * Client to server, the RTMP chunk stream is read into messages and written out again (a changed
 * command has another length, so the chunks after it cannot be passed on as they were); server to
 * client, and the handshake both ways, pass byte for byte.
 */
export class RtmpRelay {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly nonce = randomBytes(12).toString('hex');
  private readonly real: { secure: boolean; host: string; port: number; app: string; key: string; tcUrl: string };
  /** Why the last connection to the real server failed (ffmpeg only sees the relay). */
  lastError: string | null = null;
  private localPort = 0;

  constructor(url: string) {
    const match = /^(rtmps?):\/\/([^/]+)\/([^/]+)\/(.+)$/i.exec(url);
    if (!match) throw new Error('not an rtmp://host/app/key URL');
    const [, scheme, authority, app, key] = match as unknown as [string, string, string, string, string];
    const secure = scheme.toLowerCase() === 'rtmps';
    const parsed = new URL(`http://${authority}`);
    this.real = {
      secure, host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port ? Number(parsed.port) : secure ? 443 : 1935,
      app, key, tcUrl: `${scheme.toLowerCase()}://${authority}/${app}`,
    };
  }

  /** The URL ffmpeg is given: this relay, the real application, a stand-in for the key. */
  get localUrl(): string {
    return `rtmp://127.0.0.1:${this.localPort}/${this.real.app}/${this.nonce}`;
  }

  async listen(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    server.on('error', () => {});
    this.server = server;
    this.localPort = (server.address() as net.AddressInfo).port;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private relay(client: net.Socket): void {
    // Only ffmpeg, on this machine, for as long as one publish lasts.
    if (client.remoteAddress !== '127.0.0.1' && client.remoteAddress !== '::ffff:127.0.0.1') return void client.destroy();
    const { secure, host, port } = this.real;
    const upstream: net.Socket = secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
    this.sockets.add(client).add(upstream);
    const end = (error?: Error): void => {
      if (error) this.lastError = `${this.real.secure ? 'rtmps' : 'rtmp'} server ${host}:${port}: ${inWords(error)}`;
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    upstream.once(secure ? 'secureConnect' : 'connect', () => {
      this.lastError = null;
    });
    upstream.on('error', end);
    client.on('error', () => end());
    upstream.on('close', () => end());
    client.on('close', () => end());
    upstream.on('data', (data: Buffer) => client.write(data));
    const rewriter = new ChunkRewriter((message) => this.rewrite(message), (bytes) => upstream.write(bytes));
    client.on('data', (data: Buffer) => {
      try {
        rewriter.push(data);
      } catch (error) {
        end(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** A command message with the stand-in key and the relay's URL replaced by the real ones. */
  private rewrite(message: RtmpMessage): RtmpMessage {
    if (message.typeId !== AMF0_COMMAND) return message;
    const values = decodeAmf0(message.payload);
    const swapped = values.map((v): Amf0Value => {
      if (v === this.nonce) return this.real.key;
      if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
        return { ...v, entries: v.entries.map(([k, x]): [string, Amf0Value] => [k, k === 'tcUrl' && typeof x === 'string' ? this.real.tcUrl : x]) };
      }
      return v;
    });
    return { ...message, payload: encodeAmf0(swapped) };
  }
}

const AMF0_COMMAND = 20;
const SET_CHUNK_SIZE = 1;
const HANDSHAKE_BYTES = 1 + 1536 + 1536; // C0, C1, C2

export interface RtmpMessage {
  csid: number;
  timestamp: number;
  typeId: number;
  streamId: number;
  payload: Buffer;
}

interface StreamState {
  timestamp: number;
  delta: number;
  length: number;
  typeId: number;
  streamId: number;
  extended: boolean;
  parts: Buffer[];
  received: number;
}

/**
 * Reads an RTMP client's chunk stream (after passing its handshake through) into whole messages, hands
 * each to `change`, and writes the result as chunks of its own: a full header for each message, with its
 * absolute timestamp, at the chunk size the client set (which the server is told as the client told it).
 */
export class ChunkRewriter {
  private handshakeLeft = HANDSHAKE_BYTES;
  private pending: Buffer = Buffer.alloc(0);
  private inChunkSize = 128;
  private outChunkSize = 128;
  private readonly streams = new Map<number, StreamState>();

  constructor(
    private readonly change: (message: RtmpMessage) => RtmpMessage,
    private readonly write: (bytes: Buffer) => void,
  ) {}

  push(data: Buffer): void {
    if (this.handshakeLeft > 0) {
      const pass = data.subarray(0, this.handshakeLeft);
      this.write(pass);
      this.handshakeLeft -= pass.length;
      data = data.subarray(pass.length);
      if (!data.length) return;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    let used: number;
    while ((used = this.readChunk(this.pending)) > 0) this.pending = this.pending.subarray(used);
  }

  /** Reads one chunk from the start of `buf`; returns the bytes it took, or 0 when it is not all there yet. */
  private readChunk(buf: Buffer): number {
    const basic = basicHeader(buf);
    if (!basic) return 0;
    const { fmt, csid } = basic;
    let at = basic.size;
    const headerSize = [11, 7, 3, 0][fmt]!;
    if (buf.length < at + headerSize) return 0;
    let st = this.streams.get(csid);
    if (!st) {
      if (fmt !== 0) throw new Error(`RTMP chunk stream ${csid} starts without a full header`);
      st = { timestamp: 0, delta: 0, length: 0, typeId: 0, streamId: 0, extended: false, parts: [], received: 0 };
      this.streams.set(csid, st);
    }
    let field = 0;
    let length = st.length;
    let typeId = st.typeId;
    let streamId = st.streamId;
    if (fmt <= 2) field = buf.readUIntBE(at, 3);
    if (fmt <= 1) {
      length = buf.readUIntBE(at + 3, 3);
      typeId = buf[at + 6]!;
    }
    if (fmt === 0) streamId = buf.readUInt32LE(at + 7);
    at += headerSize;
    const extended = fmt <= 2 ? field === 0xffffff : st.extended;
    if (extended) {
      if (buf.length < at + 4) return 0;
      field = buf.readUInt32BE(at);
      at += 4;
    }
    const starts = st.received === 0;
    const take = Math.min(this.inChunkSize, length - st.received);
    if (buf.length < at + take) return 0;
    // Only now that the whole chunk is here does the state change.
    if (fmt <= 2) st.extended = extended;
    if (fmt === 0) {
      st.timestamp = field;
      st.delta = field;
    } else if (fmt <= 2) {
      st.delta = field;
      if (starts) st.timestamp += field;
    } else if (starts) {
      st.timestamp += st.delta;
    }
    st.length = length;
    st.typeId = typeId;
    st.streamId = streamId;
    st.parts.push(buf.subarray(at, at + take));
    st.received += take;
    if (st.received === st.length) {
      const payload = Buffer.concat(st.parts);
      st.parts = [];
      st.received = 0;
      this.emit(this.change({ csid, timestamp: st.timestamp, typeId: st.typeId, streamId: st.streamId, payload }));
      if (typeId === SET_CHUNK_SIZE && payload.length >= 4) this.inChunkSize = payload.readUInt32BE(0) & 0x7fffffff;
    }
    return at + take;
  }

  private emit(message: RtmpMessage): void {
    const { csid, timestamp, typeId, streamId, payload } = message;
    const extended = timestamp >= 0xffffff;
    const basic = (fmt: number): Buffer =>
      csid < 64 ? Buffer.from([(fmt << 6) | csid]) : csid < 320 ? Buffer.from([fmt << 6, csid - 64]) : Buffer.from([(fmt << 6) | 1, (csid - 64) & 0xff, (csid - 64) >> 8]);
    const ext = (): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(timestamp >>> 0);
      return b;
    };
    const header = Buffer.alloc(11);
    header.writeUIntBE(extended ? 0xffffff : timestamp, 0, 3);
    header.writeUIntBE(payload.length, 3, 3);
    header[6] = typeId;
    header.writeUInt32LE(streamId, 7);
    const out: Buffer[] = [basic(0), header];
    if (extended) out.push(ext());
    for (let offset = 0; offset < payload.length || offset === 0; offset += this.outChunkSize) {
      if (offset > 0) {
        out.push(basic(3));
        if (extended) out.push(ext());
      }
      out.push(payload.subarray(offset, offset + this.outChunkSize));
      if (payload.length === 0) break;
    }
    this.write(Buffer.concat(out));
    // The server reads what follows at the size this message set, as the client meant.
    if (typeId === SET_CHUNK_SIZE && payload.length >= 4) this.outChunkSize = payload.readUInt32BE(0) & 0x7fffffff;
  }
}

const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused', ENOTFOUND: 'host not found', EAI_AGAIN: 'host not found (DNS)',
  ETIMEDOUT: 'connection timed out', ECONNRESET: 'connection reset', EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'network unreachable',
};

function inWords(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code && CODES[code] ? `${CODES[code]} (${code})` : describeError(error);
}

/** A chunk's basic header: its format, its chunk stream id and its own size (1 to 3 bytes); null until all of it is here. */
function basicHeader(buf: Buffer): { fmt: number; csid: number; size: number } | null {
  if (buf.length < 1) return null;
  const fmt = buf[0]! >> 6;
  const low = buf[0]! & 0x3f;
  if (low === 0) return buf.length < 2 ? null : { fmt, csid: 64 + buf[1]!, size: 2 };
  if (low === 1) return buf.length < 3 ? null : { fmt, csid: 64 + buf[1]! + buf[2]! * 256, size: 3 };
  return { fmt, csid: low, size: 1 };
}
