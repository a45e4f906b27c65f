/** Each new sample moves the smoothed pre-processing time this far towards it. */
const SMOOTHING = 0.3;
/** A run's expected length is the median of this many last runs: an odd slow one does not move it. */
const RECENT_RUNS = 5;
/** What a frame's way to the model's thread costs beyond its pre-processing (a message, a transfer). */
const HANDOVER_MS = 2;

/**
 * When the model's session will be free, from what its thread says: which frame's inference is running
 * since when, how long inferences and pre-processing take. It tells a stage whether to hand over its next
 * frame now, so that frame is ready the moment the running inference ends, instead of a tick later.
 * Times are epoch milliseconds (`performance.timeOrigin + performance.now()`), the same on every thread.
 */
export class RunTiming {
  /** Frames sent whose inference has not started. */
  private readonly queued = new Set<number>();
  private running: { id: number; since: number } | null = null;
  /** The last runs' times, the session's first (it warms up: twice as long here) left out. */
  private readonly recent: number[] = [];
  private runs = 0;
  private runMs = 0;
  private preMs = 0;

  sent(id: number): void {
    this.queued.add(id);
  }

  started(id: number, at: number, preMs: number): void {
    this.queued.delete(id);
    this.running = { id, since: at };
    this.preMs = this.preMs > 0 ? this.preMs + (preMs - this.preMs) * SMOOTHING : preMs;
  }

  ran(id: number, runMs: number): void {
    if (this.running?.id === id) this.running = null;
    if (this.runs++ === 0) return;
    this.recent.push(runMs);
    if (this.recent.length > RECENT_RUNS) this.recent.shift();
    const sorted = [...this.recent].sort((a, b) => a - b);
    this.runMs = sorted[sorted.length >> 1]!;
  }

  /** How long an inference takes (the median of the last few, ms); 0 before the second. */
  get inferenceMs(): number {
    return this.runMs;
  }

  /** The frame is done with, however it ended (a failure included). */
  settled(id: number): void {
    this.queued.delete(id);
    if (this.running?.id === id) this.running = null;
  }

  /**
   * Whether a frame handed over now would find the session free (or about to be) before a frame handed
   * over at the next tick could reach it: never while another frame waits for it, nor before the runs
   * after the first have said how long runs take.
   */
  wantsNextInput(framePeriodMs: number, now = epochNow()): boolean {
    if (this.queued.size > 0) return false;
    if (!this.running) return true;
    if (this.runMs <= 0) return false;
    return this.running.since + this.runMs <= now + framePeriodMs + this.preMs + HANDOVER_MS;
  }
}

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
