/**
 * Tap tempo: the median of the last intervals between taps (one sloppy tap cannot throw it),
 * starting over after a pause.
 */
export class TapTempo {
  private last = -Infinity;
  private readonly intervals: number[] = [];

  constructor(
    private readonly keep = 8,
    private readonly resetAfterMs = 2000,
    private readonly minIntervalMs = 150,
  ) {}

  /** Registers a tap at `timeMs`; returns the new BPM once two taps are in, else null. */
  tap(timeMs: number): number | null {
    const interval = timeMs - this.last;
    if (interval > this.resetAfterMs || interval < 0) {
      this.intervals.length = 0;
      this.last = timeMs;
      return null;
    }
    if (interval < this.minIntervalMs) return null; // a bounce, not a tap
    this.last = timeMs;
    this.intervals.push(interval);
    if (this.intervals.length > this.keep) this.intervals.shift();
    const sorted = [...this.intervals].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return 60_000 / median;
  }
}
