import { ClipRun } from './clip-run.js';
import { ClipWindows } from './clip-windows.js';
import type { LoopMode } from './playhead.js';
import type { DecodeSetup, VideoInput } from './video-input.js';

export interface DiskClipOptions {
  input: VideoInput & { kind: 'clip' };
  setup: DecodeSetup;
  fps: number;
  /** Its length in frames, as the container says. */
  frames: number;
}

/** Where a clip is heading this tick: the frame, which way it plays, and the range it loops in. */
export interface DiskCue {
  frame: number;
  heading: 1 | -1;
  lo: number;
  hi: number;
  loop: LoopMode;
  /** The show's time (s): paces how far ahead windows are fetched. */
  time?: number;
}

/**
 * A clip too long for memory, played frame-exact from disk. Forwards (at any speed) it is one ffmpeg
 * decoding ahead of the playhead (a run); backwards it is windows of about a second decoded one behind
 * the other (ClipWindows). Where the range turns round (a loop back to its start, a ping-pong's end) the
 * decoding for the other side starts a second early, so the turn has no gap. A jump (a scrub, a
 * retrigger) starts a run there: the frames until it has decoded are late (the last one stays up).
 */
export class DiskClip {
  private readonly windows: ClipWindows;
  private run: ClipRun | null = null;
  private standby: ClipRun | null = null;
  private heading: 1 | -1 = 1;
  private next: DiskCue | null = null;
  late = 0;
  /** A frame has been there to show (the clip has started). */
  started = false;
  private runSeeks = 0;
  private runDecoded = 0;

  constructor(private readonly o: DiskClipOptions) {
    this.windows = new ClipWindows(o);
  }

  get frames(): number {
    return this.windows.frames;
  }

  get windowFrames(): number {
    return this.windows.windowFrames;
  }

  get seeks(): number {
    return this.runSeeks + this.windows.seeks;
  }

  get decoded(): number {
    return this.runDecoded + (this.run?.decoded ?? 0) + this.windows.decoded;
  }

  /** How many windows ahead backwards play fetches (ClipWindows.lead). */
  get windowLead(): number {
    return this.windows.lead;
  }

  get lastError(): string | null {
    return this.run?.error ?? this.windows.lastError;
  }

  /** Nothing is on its way: the run has the frame after the one shown, the prepared turn its first, every window its frames. */
  get buffered(): boolean {
    const next = this.next;
    if (!next) return false;
    const ready = (run: ClipRun | null, through: number) => !run || run.ended || run.decodedThrough(through);
    return ready(this.run, next.frame + 1) && ready(this.standby, this.standby?.start ?? 0) && this.windows.settled;
  }

  /** Frame `cue.frame`'s pixels, or the nearest one decoded before it (late), or null before any. */
  frameAt(cue: DiskCue): Uint8Array | null {
    this.next = cue;
    this.heading = cue.heading;
    if (cue.heading < 0) {
      this.retire(this.run);
      this.run = null;
      const data = this.windows.frameAt(cue.frame, cue.lo, cue.hi, cue.time);
      this.count(data !== null, data);
      this.prepareTurn(cue);
      return data;
    }
    const run = this.runFor(cue.frame);
    const data = run.frameAt(cue.frame);
    this.count(run.at === cue.frame, data);
    this.prepareTurn(cue);
    return data;
  }

  /** A frame not there in time is late once the clip has shown one (before that it is starting, with nothing to hold). */
  private count(onTime: boolean, data: Uint8Array | null): void {
    if (!onTime && this.started) this.late++;
    if (data) this.started = true;
  }

  dispose(): void {
    this.stopRuns();
    this.windows.dispose();
  }

  private runFor(n: number): ClipRun {
    const far = Math.ceil(this.o.fps * 2);
    if (this.run?.reaches(n, far)) return this.run;
    if (this.standby?.reaches(n, far)) {
      this.retire(this.run);
      this.run = this.standby;
      this.standby = null;
      return this.run;
    }
    this.retire(this.run);
    this.run = this.startRun(n);
    return this.run;
  }

  /**
   * Within a second of where the range turns round, what plays after the turn starts decoding: a run from
   * the start (forwards into a loop, backwards into ping-pong's turn), or the last window (forwards into
   * ping-pong's turn, backwards into a loop). Elsewhere nothing is kept for a turn.
   */
  private prepareTurn(cue: DiskCue): void {
    const second = Math.ceil(this.o.fps);
    const nearEnd = cue.heading > 0 ? cue.hi - cue.frame <= second : cue.frame - cue.lo <= second;
    const turn = !nearEnd || cue.loop === 'once' ? null : (cue.heading > 0) === (cue.loop === 'loop') ? 'run' : 'window';
    if (turn === 'run' && this.standby?.start !== cue.lo) {
      this.retire(this.standby);
      this.standby = this.startRun(cue.lo);
    } else if (turn !== 'run' && this.standby) {
      this.retire(this.standby);
      this.standby = null;
    }
    // Forwards, windows are only kept for a turn into ping-pong's way back; backwards, ClipWindows keeps its own.
    if (cue.heading > 0) {
      if (turn === 'window') this.windows.prepare(cue.hi - 1);
      else this.windows.evict([]);
    }
  }

  private startRun(start: number): ClipRun {
    this.runSeeks++;
    return new ClipRun({ input: this.o.input, setup: this.o.setup, fps: this.o.fps, start });
  }

  private retire(run: ClipRun | null): void {
    if (!run) return;
    this.runDecoded += run.decoded;
    run.stop();
  }

  private stopRuns(): void {
    this.retire(this.run);
    this.retire(this.standby);
    this.run = this.standby = null;
  }
}
