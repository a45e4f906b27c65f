import { Backoff } from '../../core/backoff.js';

/**
 * An inline stage that takes more than OVERRUN_FACTOR frame periods on OVERRUNS_TO_BYPASS of the last
 * OVERRUN_WINDOW frames would hold the whole output below half its rate: it is bypassed, then tried
 * again after 1 s, 2, 4 … 30 s, and stays once a try keeps within the budget. (A stage that is merely
 * heavy on a busy machine keeps running: the look is not dropped for a frame or two.)
 */
const OVERRUN_FACTOR = 2;
const OVERRUNS_TO_BYPASS = 5;
const OVERRUN_WINDOW = 10;
const WINDOW_MASK = (1 << OVERRUN_WINDOW) - 1;

export class OverrunGuard {
  /** The last OVERRUN_WINDOW runs as bits (1: over budget), newest lowest: counted without allocating. */
  private recent = 0;
  private readonly backoff = new Backoff(1000, 30_000);
  /** When a bypassed stage may be tried again; 0 while it runs normally. */
  private bypassedUntil = 0;

  constructor(
    private readonly budgetMs: number,
    private readonly now: () => number,
  ) {}

  /** True while the stage is to be passed through (its next try not due yet). */
  skipping(): boolean {
    return this.now() < this.bypassedUntil;
  }

  get bypassed(): boolean {
    return this.bypassedUntil > 0 && this.skipping();
  }

  /** Counts one run; returns why the stage is now bypassed, or null. */
  note(ms: number): string | null {
    if (this.budgetMs === Infinity) return null;
    const over = ms > this.budgetMs * OVERRUN_FACTOR;
    if (this.bypassedUntil > 0) {
      // This was a retry: within the budget it is back for good, else it waits longer.
      if (over) return this.bypass(ms);
      this.bypassedUntil = 0;
      this.backoff.reset();
      return null;
    }
    this.recent = ((this.recent << 1) | (over ? 1 : 0)) & WINDOW_MASK;
    return bitCount(this.recent) >= OVERRUNS_TO_BYPASS ? this.bypass(ms) : null;
  }

  private bypass(ms: number): string {
    const wait = this.backoff.next();
    this.bypassedUntil = this.now() + wait;
    this.recent = 0;
    return `too slow for the frame loop (${ms.toFixed(0)} ms of a ${this.budgetMs.toFixed(1)} ms frame); bypassed, tried again in ${(wait / 1000).toFixed(0)} s`;
  }
}

function bitCount(bits: number): number {
  let count = 0;
  for (let b = bits; b !== 0; b &= b - 1) count++;
  return count;
}
