/** Exponential backoff for reconnects and retries: min, doubling, capped at max; reset after a success. */
export class Backoff {
  private delay: number;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    this.delay = minMs;
  }

  /** The wait before the next attempt; each call doubles the following one, up to the cap. */
  next(): number {
    const wait = this.delay;
    this.delay = Math.min(this.maxMs, this.delay * 2);
    return wait;
  }

  reset(): void {
    this.delay = this.minMs;
  }
}
