import { decodeCommand, type DecodeSetup, type VideoInput } from './video-input.js';
import { FrameReader } from './frame-reader.js';

/** The most decoded video one window holds; a long clip keeps two (the one playing and the next). */
export const WINDOW_BYTES = 128 * 1024 * 1024;
/** A window is at least this many frames, so even 4K plays a few frames per ffmpeg start. */
const MIN_WINDOW_FRAMES = 4;

interface Window {
  start: number;
  reader: FrameReader;
  frames: Uint8Array[] | null;
  error: string | null;
}

export interface ClipWindowsOptions {
  input: VideoInput & { kind: 'clip' };
  setup: DecodeSetup;
  /** The clip's rate and its length in frames (from ffprobe). */
  fps: number;
  frames: number;
  windowBytes?: number;
}

/**
 * A clip too long for memory played backwards from disk (forwards is a ClipRun): it is cut into windows
 * of a second or so, each decoded by an ffmpeg started at that window's first frame (-ss before -i: an
 * accurate seek). The window playing and the one before it are kept; a frame whose window is not decoded
 * yet is not there (the deck holds the last one) until it is.
 */
export class ClipWindows {
  readonly windowFrames: number;
  /** The clip's length, corrected once its last window has been decoded. */
  frames: number;
  /** The last failure of a window's decoder (a corrupt stretch of the file). */
  lastError: string | null = null;
  decoded = 0;
  /** Window decodes started: each is one ffmpeg seek. */
  seeks = 0;
  /** Frames asked for before their window was decoded (the deck held the previous one). */
  private readonly windows = new Map<number, Window>();

  constructor(private readonly o: ClipWindowsOptions) {
    const frameBytes = o.setup.size.width * o.setup.size.height * 4;
    this.windowFrames = Math.max(MIN_WINDOW_FRAMES, Math.min(Math.ceil(o.fps), Math.floor((o.windowBytes ?? WINDOW_BYTES) / frameBytes)));
    this.frames = o.frames;
  }

  /**
   * Frame `n`'s pixels if its window is decoded (else null, and it is on its way); the window before it
   * is fetched ahead (before the range [lo, hi), the last one of the range: a reverse loop wraps there).
   */
  frameAt(n: number, lo = 0, hi = this.frames): Uint8Array | null {
    const start = this.startOf(n);
    const current = this.window(start);
    const before = start - this.windowFrames;
    const next = before < this.startOf(lo) ? this.startOf(hi - 1) : before;
    if (next !== start) this.window(next);
    this.evict([start, next]);
    if (!current.frames) return null;
    return current.frames[Math.min(n - start, current.frames.length - 1)] ?? null;
  }

  /** Every window asked for is decoded (nothing on its way). */
  get settled(): boolean {
    return [...this.windows.values()].every((w) => w.frames);
  }

  /** Starts decoding the window holding frame `n` (playing will turn round there), and lets the others go. */
  prepare(n: number): void {
    const start = this.startOf(n);
    this.window(start);
    this.evict([start]);
  }

  dispose(): void {
    for (const w of this.windows.values()) w.reader.stop();
    this.windows.clear();
  }

  private startOf(n: number): number {
    return Math.floor(Math.max(0, Math.min(this.frames - 1, n)) / this.windowFrames) * this.windowFrames;
  }

  private window(start: number): Window {
    const existing = this.windows.get(start);
    if (existing) return existing;
    const { input, setup, fps } = this.o;
    // Half a frame early: the first frame at or after the seek point is frame `start`, whatever the rounding.
    const at = Math.max(0, (start - 0.5) / fps).toFixed(6);
    const seek = start > 0 ? ['-ss', at] : [];
    const reader = new FrameReader({
      args: (out) => decodeCommand(input, setup, out, { input: seek, output: ['-frames:v', String(this.windowFrames)] }),
      ...setup.size,
      keepAll: true,
      maxFrames: this.windowFrames,
    });
    const w: Window = { start, reader, frames: null, error: null };
    this.windows.set(start, w);
    this.seeks++;
    reader.start();
    void reader.done.then((end) => {
      if (this.windows.get(start) !== w) return;
      if (end.kind === 'failed') {
        w.error = this.lastError = end.message;
        // Tried again the next time it is asked for.
        this.windows.delete(start);
        return;
      }
      w.frames = reader.all;
      this.decoded += reader.all.length;
      // The file's real length: its last window was shorter than the container said.
      if (reader.all.length < this.windowFrames && start + reader.all.length < this.frames) this.frames = Math.max(1, start + reader.all.length);
      if (reader.all.length === 0) {
        this.windows.delete(start);
        if (start > 0) this.frames = Math.min(this.frames, start);
      }
    });
    return w;
  }

  /** Lets every window go but those starting at `keep`. */
  evict(keep: number[]): void {
    for (const [start, w] of this.windows) {
      if (keep.includes(start)) continue;
      w.reader.stop();
      this.windows.delete(start);
    }
  }
}
