/**
 * What makes the frame loop tick. The realtime driver follows the wall clock; the manual driver
 * is ticked by hand, so tests step time exactly and never sleep.
 */
export interface TickInfo {
  /** Frame index of this tick; skipped ticks (when the loop fell behind) leave gaps. */
  frame: number;
  /** Scheduled time of this tick in ms since the driver started. */
  scheduledMs: number;
  /** How many ticks were skipped just before this one because the loop was late. */
  skipped: number;
}

export interface FrameDriver {
  start(fps: number, onTick: (tick: TickInfo) => void): void;
  stop(): void;
  readonly running: boolean;
}

/**
 * Ticks at absolute target times (start + n * period), so timer lateness never accumulates into drift.
 * A tick that is more than one period late skips the missed frames instead of bursting to catch up:
 * a live output should show the present, not replay the past.
 */
export class RealtimeDriver implements FrameDriver {
  private timer: NodeJS.Timeout | null = null;
  private startMs = 0;
  private next = 0;
  private periodMs = 0;
  private onTick: ((tick: TickInfo) => void) | null = null;
  private readonly now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(fps: number, onTick: (tick: TickInfo) => void): void {
    this.stop();
    this.periodMs = 1000 / fps;
    this.onTick = onTick;
    this.startMs = this.now();
    this.next = 0;
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const target = this.startMs + this.next * this.periodMs;
    const delay = Math.max(0, target - this.now());
    this.timer = setTimeout(this.fire, delay);
  }

  // The timer only wakes the loop; the tick itself runs in the check phase (setImmediate), after the
  // poll phase has handled any I/O that arrived meanwhile, so an OSC message that came in before the
  // frame was due always makes that frame.
  private readonly fire = (): void => {
    if (!this.timer) return;
    setImmediate(this.run);
  };

  private readonly run = (): void => {
    if (!this.timer || !this.onTick) return;
    const elapsed = this.now() - this.startMs;
    const due = Math.floor(elapsed / this.periodMs);
    const skipped = Math.max(0, due - this.next);
    this.next += skipped;
    const frame = this.next;
    this.next++;
    try {
      this.onTick({ frame, scheduledMs: frame * this.periodMs, skipped });
    } finally {
      if (this.timer) this.schedule();
    }
  };
}

/** Ticks only when told to. Time advances exactly one period per tick. */
export class ManualDriver implements FrameDriver {
  private onTick: ((tick: TickInfo) => void) | null = null;
  private periodMs = 0;
  private nextFrame = 0;

  get running(): boolean {
    return this.onTick !== null;
  }

  start(fps: number, onTick: (tick: TickInfo) => void): void {
    this.periodMs = 1000 / fps;
    this.onTick = onTick;
    this.nextFrame = 0;
  }

  stop(): void {
    this.onTick = null;
  }

  /** Runs `count` ticks, one period apart. */
  tick(count = 1): void {
    for (let i = 0; i < count; i++) {
      if (!this.onTick) throw new Error('ManualDriver.tick: driver not started');
      const frame = this.nextFrame++;
      this.onTick({ frame, scheduledMs: frame * this.periodMs, skipped: 0 });
    }
  }

  /** Pretends the loop fell behind by `frames` ticks (they are skipped, as the realtime driver does). */
  skip(frames: number): void {
    if (!this.onTick) throw new Error('ManualDriver.skip: driver not started');
    this.nextFrame += frames;
    const frame = this.nextFrame++;
    this.onTick({ frame, scheduledMs: frame * this.periodMs, skipped: frames });
  }
}
