import { decodeCommand, decodedFrameBytes, type DecodeSetup, type VideoInput } from './video-input.js';
import { FrameReader } from './frame-reader.js';

/** The most decoded video one window holds; a long clip keeps two (the one playing and the next). */
export const WINDOW_BYTES = 128 * 1024 * 1024;
/** A window is at least this many frames, so even 4K plays a few frames per ffmpeg start. */
const MIN_WINDOW_FRAMES = 4;
/** The furthest ahead the next window is fetched (windows skipped while decoding cannot keep up). */
const MAX_LEAD = 3;
/** Headroom on a window's decode time when working out how far ahead to fetch. */
const LEAD_MARGIN = 1.25;

interface Window {
  start: number;
  reader: FrameReader;
  frames: Uint8Array[] | null;
  error: string | null;
  /** performance.now() when its decoding started. */
  startedAt: number;
}

/**
 * How many windows ahead of the playing one the next is fetched, from how long one takes to decode and
 * how long one takes to play: one while a window decodes within the playing of one; more while it does
 * not, so that the window fetched is ready when the playhead reaches it (the ones skipped are late)
 * rather than every window arriving after its time.
 */
export function windowLead(decodeMs: number, playMs: number, margin = LEAD_MARGIN): number {
  if (!(playMs > 0) || !(decodeMs > 0)) return 1;
  return Math.max(1, Math.min(MAX_LEAD, Math.ceil((decodeMs * margin) / playMs)));
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
  private readonly windows = new Map<number, Window>();
  /** Windows fetched ahead of the playing one (windowLead). */
  lead = 1;
  /** The last window's decode time (ms of wall time), and the play time of one window (ms of show time). */
  private decodeMs = 0;
  private playMs = 0;
  /** The window the playhead last moved into: where, at which frame, and when (show time, s). */
  private entered: { start: number; frame: number; at: number } | null = null;

  constructor(private readonly o: ClipWindowsOptions) {
    const frameBytes = decodedFrameBytes(o.setup.size);
    this.windowFrames = Math.max(MIN_WINDOW_FRAMES, Math.min(Math.ceil(o.fps), Math.floor((o.windowBytes ?? WINDOW_BYTES) / frameBytes)));
    this.frames = o.frames;
  }

  /**
   * Frame `n`'s pixels if its window is decoded (else null, and it is on its way); a window before it is
   * fetched ahead, `lead` windows back (before the range [lo, hi), the last one of the range: a reverse
   * loop wraps there). `at`: the show's time (s), which paces how far ahead that is.
   */
  frameAt(n: number, lo = 0, hi = this.frames, at?: number): Uint8Array | null {
    const start = this.startOf(n);
    if (at !== undefined) this.pace(start, n, at);
    const current = this.windows.get(start) ?? (this.worthDecoding(at) ? this.window(start) : null);
    // One window on its way ahead at a time: the first one found on the walk back, else the lead-th.
    let next = start;
    for (let i = 0; i < this.lead; i++) {
      const before = this.before(next, lo, hi);
      if (before === start) break;
      next = before;
      if (this.windows.has(next)) break;
    }
    if (next !== start) this.window(next);
    this.evict([start, next]);
    if (!current?.frames) return null;
    return current.frames[Math.min(n - start, current.frames.length - 1)] ?? null;
  }

  /**
   * Whether to start decoding the window the playhead is in: not while decoding is behind and the
   * playhead will have left it before it could be ready (the window ahead gets the time instead); yes
   * once it stays longer than a window plays (paused, or slowed down).
   */
  private worthDecoding(at: number | undefined): boolean {
    if (this.lead === 1 || at === undefined || !this.entered) return true;
    const stayedMs = (at - this.entered.at) * 1000;
    return stayedMs >= this.playMs || stayedMs + this.decodeMs * LEAD_MARGIN <= this.playMs;
  }

  /** The window before the one at `start`, wrapping from the range's first to its last. */
  private before(start: number, lo: number, hi: number): number {
    const before = start - this.windowFrames;
    return before < this.startOf(lo) ? this.startOf(hi - 1) : before;
  }

  /**
   * On moving into another window: how long a window takes to play at this pace, and so how far ahead to
   * fetch. Only a window fetched ahead says so (a window skipped on purpose says nothing): found late, the
   * lead grows to what the pace needs with some headroom; found ready, it shrinks to what it needs without.
   * A lead only grows after a late window, and shrinks without the headroom, because a window that is slow
   * once (far from its keyframe) is no reason to skip any: each skip holds a whole window's frames.
   */
  private pace(start: number, frame: number, at: number): void {
    if (this.entered?.start === start) return;
    const passed = this.entered ? Math.abs(frame - this.entered.frame) : 0;
    if (this.entered && passed > 0) this.playMs = ((at - this.entered.at) * 1000 * this.windowFrames) / passed;
    this.entered = { start, frame, at };
    const fetched = this.windows.get(start);
    if (!fetched) return;
    this.lead = fetched.frames ? Math.min(this.lead, windowLead(this.decodeMs, this.playMs, 1)) : Math.max(this.lead, windowLead(this.decodeMs, this.playMs));
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
    const w: Window = { start, reader, frames: null, error: null, startedAt: performance.now() };
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
      this.decodeMs = performance.now() - w.startedAt;
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
