/** Durations of the last N events, for p50/p99 without allocating per sample. */
export class RollingSamples {
  private readonly values: Float64Array;
  private count = 0;
  private cursor = 0;
  private scratch: Float64Array;

  constructor(capacity = 600) {
    this.values = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
  }

  add(value: number): void {
    this.values[this.cursor] = value;
    this.cursor = (this.cursor + 1) % this.values.length;
    if (this.count < this.values.length) this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** Percentile over the window (q in 0..1); 0 when empty. Sorts a scratch copy: call it for reports, not per frame. */
  percentile(q: number): number {
    if (this.count === 0) return 0;
    const view = this.scratch.subarray(0, this.count);
    view.set(this.values.subarray(0, this.count));
    view.sort();
    const index = Math.min(this.count - 1, Math.max(0, Math.ceil(q * this.count) - 1));
    return view[index] ?? 0;
  }

  mean(): number {
    if (this.count === 0) return 0;
    let sum = 0;
    for (let i = 0; i < this.count; i++) sum += this.values[i] ?? 0;
    return sum / this.count;
  }

  /** The newest sample; 0 when empty. */
  last(): number {
    if (this.count === 0) return 0;
    return this.values[(this.cursor - 1 + this.values.length) % this.values.length] ?? 0;
  }

  clear(): void {
    this.count = 0;
    this.cursor = 0;
  }
}

/** Counts events per second over a sliding one-second window of timestamps. */
export class RateMeter {
  private readonly stamps: Float64Array;
  private head = 0;
  private count = 0;

  constructor(capacity = 512) {
    this.stamps = new Float64Array(capacity);
  }

  mark(nowMs: number): void {
    this.stamps[this.head] = nowMs;
    this.head = (this.head + 1) % this.stamps.length;
    if (this.count < this.stamps.length) this.count++;
  }

  /** Events per second over the last `windowMs` before `nowMs`. */
  rate(nowMs: number, windowMs = 1000): number {
    let n = 0;
    let oldest = nowMs;
    for (let i = 0; i < this.count; i++) {
      const t = this.stamps[(this.head - 1 - i + this.stamps.length) % this.stamps.length] ?? 0;
      if (nowMs - t > windowMs) break;
      n++;
      oldest = t;
    }
    if (n < 2) return n === 1 ? 1000 / windowMs : 0;
    return ((n - 1) * 1000) / Math.max(1, nowMs - oldest) ;
  }
}
