import path from 'node:path';
import type { ClockState } from '../../core/clock.js';
import { crossfadeInto } from '../../core/blend.js';
import { describeError } from '../../core/errors.js';
import { decodePicture } from './picture.js';
import type { Player, PlayerContext, PlayerStatus } from './players.js';
import type { VideoInput } from './video-input.js';
import type { VideoParams } from './video-params.js';

/** Beat and bar counts a hair below a whole number are that number. */
const EPSILON = 1e-6;

/**
 * A folder of pictures: the next one on each bar or beat, or every N seconds, crossfaded. Only the
 * picture showing, the one coming and the one after are decoded (sharp, off the frame loop), so a
 * folder of any size costs three pictures of memory. A picture that is not decoded when its turn comes
 * is waited for (the one showing stays); one that cannot be read is skipped and named.
 */
export class SlideshowPlayer implements Player {
  private readonly decoded = new Map<number, Uint8Array>();
  private readonly loading = new Set<number>();
  private readonly broken = new Set<number>();
  private readonly blend: Uint8Array;
  /** The picture showing, and the one it should be (they differ while the next one decodes). */
  private index = -1;
  private target = 0;
  private fade: { from: Uint8Array; start: number } | null = null;
  private changedAt: number | null = null;
  private lastBeat = -1;
  private lastBar = -1;
  private error: string | null = null;
  private late = 0;
  private disposed = false;

  constructor(
    private readonly input: VideoInput & { kind: 'slideshow' },
    private readonly ctx: PlayerContext,
  ) {
    this.blend = new Uint8Array(ctx.setup.size.width * ctx.setup.size.height * 4);
  }

  frame(clock: ClockState, p: VideoParams): Uint8Array | null {
    if (this.due(clock, p)) this.target = this.after(this.target);
    this.keep([this.index, this.target, this.after(this.target)]);
    const next = this.decoded.get(this.target);
    if (this.target !== this.index) {
      if (next) this.show(this.target, clock.time);
      else this.late++;
    }
    const to = this.decoded.get(this.index);
    if (!to) return null;
    if (!this.fade) return to;
    const t = p.slideFade > 0 ? (clock.time - this.fade.start) / p.slideFade : 1;
    if (t >= 1) {
      this.fade = null;
      return to;
    }
    crossfadeInto(this.fade.from, to, t, this.blend);
    return this.blend;
  }

  retrigger(): void {
    this.target = 0;
    this.changedAt = null;
  }

  /** Scrubbing picks the picture: 0 the first, 1 the last. */
  seek(at: number): void {
    this.target = Math.round(Math.min(1, Math.max(0, at)) * (this.input.files.length - 1));
    this.changedAt = null;
  }

  status(): PlayerStatus {
    const n = this.input.files.length;
    const state = this.index >= 0 ? 'playing' : this.broken.size === n ? 'failed' : 'starting';
    return { state, kind: 'slideshow', lastError: this.error, decoded: this.decoded.size, dropped: 0, frames: n, frame: Math.max(0, this.index), late: this.late };
  }

  dispose(): void {
    this.disposed = true;
    this.decoded.clear();
  }

  /** Whether this tick moves on: a new beat or bar, or the time up since the last change. */
  private due(clock: ClockState, p: VideoParams): boolean {
    const beat = Math.floor(clock.beat + EPSILON);
    const bar = Math.floor(clock.bar + EPSILON);
    const first = this.lastBeat < 0;
    const newBeat = beat !== this.lastBeat;
    const newBar = bar !== this.lastBar;
    this.lastBeat = beat;
    this.lastBar = bar;
    this.changedAt ??= clock.time;
    if (first || p.slideOn === 'off') return false;
    if (p.slideOn === 'seconds') {
      if (clock.time - this.changedAt < p.slideSeconds - EPSILON) return false;
      this.changedAt = clock.time;
      return true;
    }
    return p.slideOn === 'beat' ? newBeat : newBar;
  }

  private show(index: number, time: number): void {
    const from = this.decoded.get(this.index);
    this.fade = from ? { from, start: time } : null;
    this.index = index;
  }

  /** The picture after `i`, skipping those that cannot be read. */
  private after(i: number): number {
    const n = this.input.files.length;
    for (let k = 1; k <= n; k++) {
      const j = (i + k) % n;
      if (!this.broken.has(j)) return j;
    }
    return i;
  }

  /** Decodes the pictures in `wanted` that are not yet, and lets the others go (the fading one is held by the fade). */
  private keep(wanted: number[]): void {
    for (const i of this.decoded.keys()) if (!wanted.includes(i)) this.decoded.delete(i);
    for (const i of wanted) {
      if (i < 0 || this.decoded.has(i) || this.loading.has(i) || this.broken.has(i)) continue;
      this.loading.add(i);
      const file = this.input.files[i]!;
      decodePicture(file, this.ctx.setup).then(
        (pixels) => {
          this.loading.delete(i);
          if (!this.disposed) this.decoded.set(i, pixels);
        },
        (error: unknown) => {
          this.loading.delete(i);
          this.broken.add(i);
          this.error = `${path.basename(file)}: ${describeError(error)}`;
          this.ctx.log.error(`video ${this.input.label}: skipping ${this.error}`);
          if (this.target === i) this.target = this.after(i);
        },
      );
    }
  }
}
