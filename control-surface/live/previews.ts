import sharp from 'sharp';
import type { Frame } from '../../core/frame.js';
import { describeError } from '../../core/errors.js';
import type { Log } from '../../core/log.js';
import type { Subscription } from '../protocol.js';
import type { LiveClient } from './client.js';

interface Wanted {
  width: number;
  quality: number;
  everyMs: number;
  lastAt: number;
  /** The last preview is still on its way to this client: a slow client's next one is dropped. */
  inFlight: boolean;
}

/** Preview JPEGs for the clients that asked: one encoding per size and quality, a slow client's dropped. */
export class Previews {
  private readonly wanted = new Map<LiveClient, Wanted>();
  sent = 0;
  dropped = 0;

  constructor(
    private readonly lastFrame: () => Frame | null,
    private readonly tickMs: number,
    private readonly log: Log,
  ) {}

  subscribe(client: LiveClient, preview: NonNullable<Subscription['preview']> | null): void {
    if (preview) this.wanted.set(client, { width: preview.width, quality: preview.quality, everyMs: 1000 / preview.fps, lastAt: 0, inFlight: false });
    else this.wanted.delete(client);
  }

  leave(client: LiveClient): void {
    this.wanted.delete(client);
  }

  /** Sends a preview to every client that is due. */
  send(now: number): void {
    const frame = this.lastFrame();
    if (!frame || this.wanted.size === 0) return;
    const groups = this.due(now);
    if (groups.size === 0) return;
    // sharp reads the pixels after this tick: it gets its own copy of the frame.
    const pixels = Buffer.from(frame.data);
    for (const [key, members] of groups) {
      const [w, q] = key.split(':').map(Number) as [number, number];
      this.encode(pixels, frame, w, q, members);
    }
  }

  /** Clients due a preview, grouped by size and quality. */
  private due(now: number): Map<string, LiveClient[]> {
    const groups = new Map<string, LiveClient[]>();
    for (const [client, p] of this.wanted) {
      // Due within half a tick counts as due: previews keep their rate on the live channel's timer.
      if (now - p.lastAt < p.everyMs - this.tickMs / 2) continue;
      p.lastAt = now;
      if (p.inFlight) {
        this.dropped++;
        continue;
      }
      const key = `${p.width}:${p.quality}`;
      groups.set(key, [...(groups.get(key) ?? []), client]);
    }
    return groups;
  }

  private encode(pixels: Buffer, frame: Frame, width: number, quality: number, members: LiveClient[]): void {
    const outWidth = Math.min(width, frame.width);
    const outHeight = Math.max(1, Math.round((frame.height * outWidth) / frame.width));
    const index = frame.index;
    const settle = (client: LiveClient): void => {
      const p = this.wanted.get(client);
      if (p) p.inFlight = false;
    };
    for (const m of members) this.wanted.get(m)!.inFlight = true;
    sharp(pixels, { raw: { width: frame.width, height: frame.height, channels: 4 } })
      .resize(outWidth, outHeight, { kernel: 'linear' })
      .jpeg({ quality })
      .toBuffer()
      .then(
        (jpeg) => {
          for (const m of members) {
            if (!this.wanted.has(m)) continue;
            this.sent++;
            m.socket.timeout(5000).emit('preview', { index, width: outWidth, height: outHeight, jpeg }, () => settle(m));
          }
        },
        (error: unknown) => {
          for (const m of members) settle(m);
          this.log.error({ err: describeError(error) }, 'preview encoding failed');
        },
      );
  }
}
