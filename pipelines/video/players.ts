import type { ClockState } from '../../core/clock.js';
import type { Log } from '../../core/log.js';
import { LiveFeed, type FeedState } from './live-feed.js';
import { decodePicture } from './picture.js';
import type { DecodeSetup, VideoInput } from './video-input.js';
import type { VideoParams } from './video-params.js';

/** What a deck's video source reports about what it plays. */
export interface PlayerStatus {
  state: FeedState;
  kind: VideoInput['kind'] | 'cached-clip' | 'none';
  lastError: string | null;
  /** Frames decoded so far, and dropped (decoded but replaced by a newer one before the loop took it). */
  decoded: number;
  dropped: number;
  /** Clips: their length and the frame showing. */
  frames?: number;
  frame?: number;
  /** A clip played from disk: window decodes started (each an ffmpeg seek), frames shown late (held), and whether the next frames are decoded. */
  seeks?: number;
  late?: number;
  buffered?: boolean;
  /** Backwards from disk: how many windows ahead the next is fetched (above 1: decoding is behind, windows are skipped). */
  windowLead?: number;
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

export interface PlayerContext {
  setup: DecodeSetup;
  /** The show's rate: a clip's when its file does not say. */
  fps: number;
  log: Log;
  /** Clips that fit decode into memory; longer ones stream from disk. */
  clipCacheBytes: number;
}


/** A still picture (png, jpg, webp), decoded once by sharp to the show size as `fit` says. */
export class ImagePlayer implements Player {
  private pixels: Uint8Array | null = null;
  private error: string | null = null;

  constructor(input: VideoInput & { kind: 'image' }, ctx: PlayerContext) {
    decodePicture(input.file, ctx.setup).then(
      (pixels) => (this.pixels = pixels),
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
export class FeedPlayer implements Player {
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

