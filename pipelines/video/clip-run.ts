import { decodeCommand, decodedFrameBytes, type DecodeSetup, type VideoInput } from './video-input.js';
import { FrameReader } from './frame-reader.js';

/** Frames a run decodes ahead of the one showing: enough to ride out a busy moment, few enough to stay small. */
const AHEAD_BYTES = 48 * 1024 * 1024;
const MIN_AHEAD = 3;
const MAX_AHEAD = 12;

export interface ClipRunOptions {
  input: VideoInput & { kind: 'clip' };
  setup: DecodeSetup;
  fps: number;
  /** The first frame. */
  start: number;
}

/**
 * One ffmpeg decoding a clip forward from a frame (an accurate seek), every frame in order, a few ahead
 * of the one showing: ffmpeg waits while the host has not caught up (no frame dropped or raced past).
 * Forward play at any speed is a walk along it; a jump back or far ahead needs a new run.
 */
export class ClipRun {
  readonly start: number;
  readonly ahead: number;
  private readonly reader: FrameReader;
  private current: { index: number; data: Uint8Array } | null = null;
  ended = false;
  error: string | null = null;
  decoded = 0;

  constructor(o: ClipRunOptions) {
    this.start = o.start;
    const frameBytes = decodedFrameBytes(o.setup.size);
    this.ahead = Math.max(MIN_AHEAD, Math.min(MAX_AHEAD, Math.floor(AHEAD_BYTES / frameBytes)));
    // Half a frame early: the first frame at or after the seek point is frame `start`, whatever the rounding.
    const seek = o.start > 0 ? ['-ss', ((o.start - 0.5) / o.fps).toFixed(6)] : [];
    this.reader = new FrameReader({ args: (out) => decodeCommand(o.input, o.setup, out, { input: seek }), ...o.setup.size, ahead: this.ahead });
    this.reader.start();
    void this.reader.done.then((end) => {
      this.ended = true;
      if (end.kind === 'failed') this.error = end.message;
    });
  }

  /** The frame a walk has reached (the last taken). */
  get at(): number {
    return this.current?.index ?? this.start - 1;
  }

  /** Every frame up to `n` is decoded (the walk to it will not wait). */
  decodedThrough(n: number): boolean {
    return this.at + this.reader.waiting >= n;
  }

  /** Whether frame `n` is on this run's way: not behind it, and not so far ahead that a new seek is quicker. */
  reaches(n: number, farFrames: number): boolean {
    return n >= this.at && n - this.at <= farFrames && !(this.ended && this.reader.waiting === 0 && n > this.at);
  }

  /**
   * Walks towards frame `n` as far as it is decoded (releasing the frames passed) and returns the frame
   * reached (`at` says which: short of `n` while it is still decoding), or null before the first. Its
   * buffer stays valid until the next walk moves on.
   */
  frameAt(n: number): Uint8Array | null {
    while (this.at < n) {
      const next = this.reader.next();
      if (!next) break;
      if (this.current) this.reader.release(this.current.data);
      this.current = { index: this.start + next.index, data: next.data };
      this.decoded++;
    }
    return this.current?.data ?? null;
  }

  stop(): void {
    this.reader.stop();
  }
}
