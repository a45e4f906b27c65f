/**
 * Holds a model's rate at a target by choosing its working size: smaller when it runs under the target,
 * larger again when there is room, never above the size set (the working width and height: the most
 * the VJ wants) nor below the smallest width. Asymmetric thresholds and a memory of the sizes found too
 * slow keep it from going back and forth; each size is judged only on runs made at that size. It judges
 * by how long runs take, not by how often they come, since the stage also runs the model no more often
 * than the target: the rate a size can give is its run time rounded up to whole frames (the next run
 * starts at the frame after a result).
 */
export interface GovernedSize {
  /** The working size as set: the largest the governor uses, and its shape. */
  width: number;
  height: number;
  minWidth: number;
  multipleOf: number;
}

export interface GovernorReport {
  size: string;
  targetFps: number;
  /** The rate this size can give (results a second, from its run times), 0 before it is known. */
  fps: number;
  reason: string;
}

/** Runs judged at a size before deciding (after the first, which may have waited for the change). */
const SETTLE_RUNS = 4;
/** Under target × this: smaller. */
const SLOW = 0.92;
/** At least target × this, and the next size up predicted to give target × HOLD: larger. */
const FAST_ENOUGH = 1;
const HOLD = 1.05;
/** One step up, in width. */
const STEP_UP = 1.12;
/** A size found too slow is not tried again for this long (ms of the show's clock). */
const REMEMBER_MS = 20_000;

export class SizeGovernor {
  private scale = 1;
  private durations: number[] = [];
  private tooSlowScale = Infinity;
  private tooSlowAt = -Infinity;
  private fps = 0;
  /** The mean run time at this size (ms). */
  private meanMs = 0;
  private reason = 'off: the working size as set';
  private target = 0;
  private last: GovernedSize | null = null;

  constructor(private readonly framePeriodMs: number) {}

  /** Whether a target rate is set. */
  get active(): boolean {
    return this.target > 0;
  }

  /** The size the next run uses, for a target of `targetFps` (0: off, the size as set). */
  size(set: GovernedSize, targetFps: number): [number, number] {
    if (targetFps !== this.target) this.retarget(targetFps);
    this.last = set;
    return targetFps > 0 ? sized(set, this.scale) : sized(set, 1);
  }

  /** A run made at `size` took `durationMs` and finished at `now` (ms). */
  finished(size: readonly [number, number], durationMs: number, now: number): void {
    const set = this.last;
    if (!set || this.target <= 0) return;
    const current = sized(set, this.scale);
    if (size[0] !== current[0] || size[1] !== current[1]) return; // made before the last change
    this.durations.push(durationMs);
    if (this.durations.length > SETTLE_RUNS + 4) this.durations.shift();
    if (this.durations.length < SETTLE_RUNS + 1) return;
    // The first run at a size may have paid for the change (a new shape): judged on the rest.
    const judged = this.durations.slice(1);
    this.meanMs = judged.reduce((a, b) => a + b, 0) / judged.length;
    this.fps = this.rateFor(this.meanMs);
    this.decide(set, now);
  }

  /** Results a second that runs of this length give: each waits for the next frame to start. */
  private rateFor(durationMs: number): number {
    const period = this.framePeriodMs > 0 ? this.framePeriodMs : 1;
    return 1000 / (Math.max(1, Math.ceil(durationMs / period - 1e-9)) * period);
  }

  report(set: GovernedSize): GovernorReport {
    const [w, h] = sized(set, this.target > 0 ? this.scale : 1);
    return { size: `${w}x${h}`, targetFps: this.target, fps: Math.round(this.fps * 10) / 10, reason: this.reason };
  }

  private retarget(targetFps: number): void {
    this.target = targetFps;
    this.durations = [];
    this.fps = 0;
    this.tooSlowScale = Infinity;
    if (targetFps <= 0) {
      this.scale = 1;
      this.reason = 'off: the working size as set';
    } else this.reason = `measuring at this size for ${targetFps} fps`;
  }

  private decide(set: GovernedSize, now: number): void {
    const target = this.target;
    const fps = this.fps.toFixed(1);
    const minScale = Math.min(1, set.minWidth / set.width);
    if (this.fps < target * SLOW) {
      if (this.scale <= minScale) {
        this.reason = `${fps} fps possible at the smallest size: under the ${target} fps target`;
        return;
      }
      this.tooSlowScale = this.scale;
      this.tooSlowAt = now;
      // The cost follows the pixel count: aim a little under the area whose runs fit the whole frames
      // the target allows.
      const period = Math.max(1, this.framePeriodMs);
      const allowed = Math.max(period, Math.floor(1000 / target / period) * period);
      let next = Math.max(minScale, this.scale * Math.sqrt(Math.min(0.95, (allowed / this.meanMs) * 0.95)));
      if (sized(set, next)[0] >= sized(set, this.scale)[0]) next = Math.max(minScale, (sized(set, this.scale)[0] - set.multipleOf) / set.width);
      this.change(next, `runs take ${Math.round(this.meanMs)} ms (${fps} fps possible): under the ${target} fps target, smaller`);
      return;
    }
    if (this.fps >= target * FAST_ENOUGH && this.scale < 1) {
      const next = Math.min(1, this.scale * STEP_UP);
      const [w, h] = sized(set, this.scale);
      const [nw, nh] = sized(set, next);
      const predicted = this.rateFor(this.meanMs * ((nw * nh) / (w * h)));
      const remembered = next >= this.tooSlowScale && now - this.tooSlowAt < REMEMBER_MS;
      if (predicted >= target * HOLD && !remembered) {
        this.change(next, `${fps} fps possible: room above the ${target} fps target, larger`);
        return;
      }
    }
    this.reason = `holding the ${target} fps target (${fps} fps possible at this size)`;
  }

  private change(scale: number, reason: string): void {
    this.scale = scale;
    this.reason = reason;
    this.durations = [];
  }
}

/** The working size at `scale` of the size as set, in steps of multipleOf, keeping its shape. */
function sized(set: GovernedSize, scale: number): [number, number] {
  const m = Math.max(1, set.multipleOf);
  const round = (v: number): number => Math.max(m, Math.round(v / m) * m);
  if (scale >= 1) return [round(set.width), round(set.height)];
  const w = Math.min(round(set.width), Math.max(round(set.minWidth), round(set.width * scale)));
  return [w, round((w * set.height) / set.width)];
}
