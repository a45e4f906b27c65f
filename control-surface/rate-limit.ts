/**
 * A token bucket per client: `perSecond` changes a second, bursts up to one second's worth. Over it,
 * changes are dropped and counted — never queued, so a runaway fader cannot build a backlog.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  dropped = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(client: string, count = 1): boolean {
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (!bucket) {
      if (this.buckets.size > 1000) this.buckets.clear();
      bucket = { tokens: this.perSecond, at: now };
      this.buckets.set(client, bucket);
    }
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (bucket.tokens < count) {
      this.dropped += count;
      return false;
    }
    bucket.tokens -= count;
    return true;
  }

  forget(client: string): void {
    this.buckets.delete(client);
  }
}
