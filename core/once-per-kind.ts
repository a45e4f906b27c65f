/**
 * Reports a problem once per kind, then at most once per interval with a count of what was suppressed,
 * so a flood of bad input never floods the log.
 */
export class OncePerKind {
  private readonly seen = new Map<string, { last: number; suppressed: number; total: number }>();

  constructor(
    private readonly report: (kind: string, message: string, extra: { total: number; suppressed: number }) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  note(kind: string, message: string): void {
    const t = this.now();
    const entry = this.seen.get(kind);
    if (!entry) {
      this.seen.set(kind, { last: t, suppressed: 0, total: 1 });
      this.report(kind, message, { total: 1, suppressed: 0 });
      return;
    }
    entry.total++;
    if (t - entry.last >= this.intervalMs) {
      this.report(kind, message, { total: entry.total, suppressed: entry.suppressed });
      entry.last = t;
      entry.suppressed = 0;
    } else {
      entry.suppressed++;
    }
  }

  total(kind: string): number {
    return this.seen.get(kind)?.total ?? 0;
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.seen].map(([k, v]) => [k, v.total]));
  }
}
