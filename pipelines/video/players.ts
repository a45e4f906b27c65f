import sharp from 'sharp';
import type { ClockState } from '../../core/clock.js';
import type { Log } from '../../core/log.js';
import { CachedClip } from './cached-clip.js';
import { LiveFeed, type FeedState } from './live-feed.js';
import { Playhead } from './playhead.js';
import type { VideoInput } from './video-input.js';
import type { FitMode, VideoParams } from './video-params.js';

/** What a deck's video source reports about what it plays. */
export interface PlayerStatus {
  state: FeedState;
  kind: VideoInput['kind'] | 'cached-clip' | 'none';
  lastError: string | null;
  /** Frames decoded so far, and dropped (decoded but replaced by a newer one before the loop took it). */
  decoded: number;
  dropped: number;
  /** Cached clips: their length and the frame showing. */
  frames?: number;
  frame?: number;
}

/** One source being played: a clip in memory, or a live feed. */
export interface Player {
  /** The pixels to show this tick, or null (nothing yet, or lost). Valid until the next call. */
  frame(clock: ClockState, p: VideoParams): Uint8Array | null;
  retrigger(): void;
  seek(at: number): void;
  status(): PlayerStatus;
  dispose(): void;
}

interface PlayerContext {
  fit: FitMode;
  size: { width: number; height: number };
  fps: number;
  log: Log;
}

export function createPlayer(input: VideoInput, ctx: PlayerContext): Player {
  if (input.kind === 'image') return new ImagePlayer(input, ctx);
  return input.kind === 'clip' ? new ClipPlayer(input, ctx) : new FeedPlayer(new LiveFeed(input, ctx.fit, ctx.size, ctx.log), input.kind);
}

/** A still picture (png, jpg, webp), decoded once by sharp to the show size as `fit` says. */
class ImagePlayer implements Player {
  private pixels: Uint8Array | null = null;
  private error: string | null = null;

  constructor(input: VideoInput & { kind: 'image' }, ctx: PlayerContext) {
    const fit = { fit: 'contain', fill: 'cover', stretch: 'fill' } as const;
    sharp(input.file)
      .resize(ctx.size.width, ctx.size.height, { fit: fit[ctx.fit], background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .ensureAlpha()
      .raw()
      .toBuffer()
      .then(
        (buffer) => (this.pixels = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)),
        (error: unknown) => {
          this.error = `${input.label}: ${error instanceof Error ? error.message : String(error)}`;
          ctx.log.error(`video ${this.error}`);
        },
      );
  }

  frame(): Uint8Array | null {
    return this.pixels;
  }

  retrigger(): void {}
  seek(): void {}

  status(): PlayerStatus {
    const state: FeedState = this.pixels ? 'playing' : this.error ? 'failed' : 'starting';
    return { state, kind: 'image', lastError: this.error, decoded: this.pixels ? 1 : 0, dropped: 0 };
  }

  dispose(): void {
    this.pixels = null;
  }
}

/** A source that cannot play (a bad name, a missing file): its reason, and nothing to show. */
export class FailedPlayer implements Player {
  constructor(private readonly reason: string) {}
  frame(): null {
    return null;
  }
  retrigger(): void {}
  seek(): void {}
  status(): PlayerStatus {
    return { state: 'failed', kind: 'none', lastError: this.reason, decoded: 0, dropped: 0 };
  }
  dispose(): void {}
}

/** A camera or a stream: the newest frame, held while it reconnects. */
class FeedPlayer implements Player {
  private last: Uint8Array | null = null;

  constructor(
    private readonly feed: LiveFeed,
    private readonly kind: PlayerStatus['kind'],
  ) {
    feed.start();
  }

  frame(_clock: ClockState, p: VideoParams): Uint8Array | null {
    const next = this.feed.take();
    if (next) this.last = next.data;
    if (this.feed.state !== 'playing' && p.whenLost === 'black') return null;
    return this.last;
  }

  retrigger(): void {}
  seek(): void {}

  status(): PlayerStatus {
    return { state: this.feed.state, kind: this.kind, lastError: this.feed.lastError, decoded: this.feed.decoded, dropped: this.feed.dropped };
  }

  dispose(): void {
    this.feed.stop();
  }
}

/**
 * A clip: decoded into memory when it fits (every parameter frame-exact), else streamed from disk at its
 * own rate, looping (forward only).
 */
class ClipPlayer implements Player {
  private readonly clip: CachedClip;
  private playhead: Playhead | null = null;
  private streamed: FeedPlayer | null = null;
  private shown = 0;
  private pendingSeek: number | null = null;

  constructor(
    private readonly input: VideoInput & { kind: 'clip' },
    private readonly ctx: PlayerContext,
  ) {
    this.clip = new CachedClip(input, ctx.fit, ctx.size, ctx.fps);
    void this.clip.load().then((state) => {
      if (state === 'ready') {
        this.playhead = new Playhead(this.clip.frames.length, this.clip.fps);
        if (this.pendingSeek !== null) this.playhead.seek(this.pendingSeek);
        ctx.log.info(`video ${input.label}: ${this.clip.frames.length} frames at ${this.clip.fps} fps in memory`);
      } else if (state === 'too-long') {
        ctx.log.info(`video ${input.label}: longer than the clip cache holds; streamed from disk (forward, looping)`);
        this.streamed = new FeedPlayer(new LiveFeed(input, ctx.fit, ctx.size, ctx.log), 'clip');
      } else if (state === 'failed') {
        ctx.log.error(`video ${input.label}: failed: ${this.clip.error}`);
      }
    });
  }

  frame(clock: ClockState, p: VideoParams): Uint8Array | null {
    if (this.streamed) return this.streamed.frame(clock, p);
    if (!this.playhead) return null;
    this.shown = this.playhead.advance(clock, p);
    return this.clip.frames[this.shown] ?? null;
  }

  retrigger(): void {
    this.playhead?.retrigger();
  }

  seek(at: number): void {
    if (this.playhead) this.playhead.seek(at);
    else this.pendingSeek = at;
  }

  status(): PlayerStatus {
    if (this.streamed) return this.streamed.status();
    const state: FeedState = this.clip.state === 'ready' ? 'playing' : this.clip.state === 'failed' ? 'failed' : 'starting';
    const frames = this.clip.frames.length;
    return { state, kind: 'cached-clip', lastError: this.clip.error, decoded: frames, dropped: 0, ...(frames ? { frames, frame: this.shown } : {}) };
  }

  dispose(): void {
    this.clip.dispose();
    this.streamed?.dispose();
  }
}
