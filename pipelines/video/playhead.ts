import type { ClockState } from '../../core/clock.js';

export const LoopModes = ['loop', 'once', 'ping-pong'] as const;
export type LoopMode = (typeof LoopModes)[number];

/** How a clip is played, as its live parameters say. */
export interface PlayParams {
  playing: boolean;
  /** Frames of the clip per frame of its own rate: 0..4. */
  speed: number;
  reverse: boolean;
  loop: LoopMode;
  /** The part of the clip that plays, 0..1 of its length (in < out). */
  inPoint: number;
  outPoint: number;
  /** 0: free-running at the clip's rate and `speed`; N: the in..out range fitted to N beats of the clock. */
  beatSync: number;
}

/** Keeps positions that should be whole frames from landing a hair below them. */
const EPSILON = 1e-6;

/**
 * Where a clip of `frames` frames (recorded at `fps`) is on each tick. Free-running it advances by the
 * show's own dt (so a 30 fps clip in a 30 fps show moves one frame a tick at speed 1, two at speed 2);
 * beat-synced it is a function of the clock's beat, so it loops on the beat and follows a tempo change
 * without drifting. Positions are in frames; `frame` is the whole frame to show.
 */
export class Playhead {
  /** Position in frames (fractional) while free-running. */
  private position = 0;
  /** Ping-pong: +1 forwards, -1 backwards. */
  private direction = 1;
  /** Beat-synced: the beat at which the range last started (a retrigger moves it). */
  private beatOrigin = 0;
  private retriggerPending = false;
  /** Free-running: the playhead has a position (the first tick, or a seek, gives it one). */
  private started = false;
  /** Beat-synced: the range has a beat it started on. */
  private synchronised = false;
  /** Which way the clip is playing: +1 forwards, -1 backwards (reverse, or ping-pong's way back). */
  heading: 1 | -1 = 1;
  private lastPhase = 0;

  constructor(
    readonly frames: number,
    readonly fps: number,
  ) {}

  /** Starts again from the range's start (free-running) or makes this beat the range's start (synced). */
  retrigger(): void {
    this.retriggerPending = true;
  }

  /** Jumps to `at` (0..1 of the whole clip). */
  seek(at: number): void {
    this.position = Math.min(1, Math.max(0, at)) * (this.frames - 1);
    this.started = true;
  }

  /** Moves to this tick and returns the frame to show. */
  advance(clock: ClockState, p: PlayParams): number {
    const [lo, hi] = this.range(p);
    if (p.beatSync > 0) return this.synced(clock, p, lo, hi);
    if (!this.started || this.retriggerPending) {
      this.position = p.reverse ? hi - EPSILON * 2 : lo;
      this.direction = 1;
      this.heading = p.reverse ? -1 : 1;
      this.started = true;
      this.retriggerPending = false;
      return this.frame(lo, hi);
    }
    if (!p.playing) return this.frame(lo, hi);
    const step = clock.dt * this.fps * p.speed * (p.reverse ? -1 : 1) * this.direction;
    this.position += step;
    this.wrap(p.loop, lo, hi, p.reverse);
    // After the wrap: a ping-pong that turned this tick is already on its way back.
    this.heading = (p.reverse ? -1 : 1) * this.direction > 0 ? 1 : -1;
    return this.frame(lo, hi);
  }

  /** The range as whole frames [lo, hi): at least one frame. */
  range(p: PlayParams): [number, number] {
    const lo = Math.min(this.frames - 1, Math.max(0, Math.round(Math.min(p.inPoint, p.outPoint) * this.frames)));
    const hi = Math.max(lo + 1, Math.min(this.frames, Math.round(Math.max(p.inPoint, p.outPoint) * this.frames)));
    return [lo, hi];
  }

  private frame(lo: number, hi: number): number {
    return Math.min(hi - 1, Math.max(lo, Math.floor(this.position + EPSILON)));
  }

  private wrap(mode: LoopMode, lo: number, hi: number, reverse: boolean): void {
    const length = hi - lo;
    // A sum of frame steps lands a rounding error off a whole frame: it is that frame (so an end is reached, not missed).
    const whole = Math.round(this.position);
    if (Math.abs(this.position - whole) < EPSILON) this.position = whole;
    if (this.position >= lo && this.position < hi) return;
    if (mode === 'once') {
      this.position = Math.min(hi - EPSILON * 2, Math.max(lo, this.position));
      return;
    }
    if (mode === 'loop') {
      this.position = lo + ((((this.position - lo) % length) + length) % length);
      return;
    }
    // Ping-pong: reflect off the end it ran past and turn round.
    const forwards = (reverse ? -1 : 1) * this.direction > 0;
    this.position = forwards ? 2 * (hi - 1) - this.position : 2 * lo - this.position;
    this.position = Math.min(hi - 1, Math.max(lo, this.position));
    this.direction = -this.direction;
  }

  /** The range spread over `beatSync` beats from the last retrigger (ping-pong: there and back over twice that). */
  private synced(clock: ClockState, p: PlayParams, lo: number, hi: number): number {
    if (!this.synchronised || this.retriggerPending) {
      // The range starts on the beat it was (re)triggered on.
      this.beatOrigin = Math.floor(clock.beat + EPSILON);
      this.synchronised = true;
      this.retriggerPending = false;
    }
    if (!p.playing) return this.frame(lo, hi);
    const length = hi - lo;
    const cycles = (clock.beat - this.beatOrigin) / p.beatSync;
    let phase = cycles - Math.floor(cycles + EPSILON);
    if (p.loop === 'once' && cycles >= 1 - EPSILON) phase = 1 - EPSILON;
    if (p.loop === 'ping-pong') {
      const round = (cycles / 2) - Math.floor(cycles / 2 + EPSILON);
      phase = round < 0.5 ? round * 2 : 2 - round * 2;
    }
    this.heading = (p.loop === 'ping-pong' && phase < this.lastPhase) !== p.reverse ? -1 : 1;
    this.lastPhase = phase;
    if (p.reverse) phase = 1 - phase;
    this.position = lo + Math.max(0, phase) * length;
    return this.frame(lo, hi);
  }
}
