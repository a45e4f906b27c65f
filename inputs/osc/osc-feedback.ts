import { encode } from 'node-osc';
import type { ChangeOrigin, ParamEntry, ParamSpace } from '../../params/param-space.js';
import { oscArgument } from './osc-value.js';

export interface FeedbackDestination {
  host: string;
  port: number;
  /** The origin tag of changes this surface sends, so they are not echoed back to it. */
  originKey: string;
  /** From the show (kept) or from /vjhost/subscribe (a tablet that came and may go). */
  fromShow: boolean;
}

export const MAX_DESTINATIONS = 32;
/** A subscription (/vjhost/subscribe) lasts this long unless the surface subscribes again. */
export const SUBSCRIPTION_LEASE_MS = 10 * 60_000;

/**
 * Sends every parameter change to registered surfaces, coalesced: each destination keeps the latest
 * value per address and a timer flushes at most `rateHz` times a second. A change is never sent back
 * to the surface it came from.
 */
export class OscFeedback {
  private readonly destinations: (FeedbackDestination & { pending: Map<string, unknown>; renewedAt: number })[] = [];
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private sentCount = 0;

  constructor(
    private readonly params: ParamSpace,
    private readonly send: (packet: Buffer, port: number, host: string) => void,
    private readonly rateHz = 30,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.unsubscribe = this.params.onChange((entry, value, origin) => this.onChange(entry, value, origin));
    this.timer = setInterval(() => this.flush(), 1000 / this.rateHz);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Adds (or renews) a destination and queues the full current state for it. Subscriptions past their
   * lease make room; false when every place is held by the show's surfaces or live subscriptions.
   */
  add(destination: FeedbackDestination): boolean {
    let d = this.destinations.find((x) => x.host === destination.host && x.port === destination.port);
    if (!d) {
      if (this.destinations.length >= MAX_DESTINATIONS) this.expire();
      if (this.destinations.length >= MAX_DESTINATIONS) return false;
      d = { ...destination, pending: new Map(), renewedAt: this.now() };
      this.destinations.push(d);
    }
    d.renewedAt = this.now();
    for (const entry of this.params.list()) d.pending.set(entry.path, entry.base);
    return true;
  }

  /** Drops subscriptions not renewed within their lease (the show's own surfaces stay). */
  expire(): number {
    const before = this.destinations.length;
    const cutoff = this.now() - SUBSCRIPTION_LEASE_MS;
    for (let i = this.destinations.length - 1; i >= 0; i--) {
      const d = this.destinations[i]!;
      if (!d.fromShow && d.renewedAt < cutoff) this.destinations.splice(i, 1);
    }
    return before - this.destinations.length;
  }

  remove(host: string, port: number): boolean {
    const i = this.destinations.findIndex((d) => d.host === host && d.port === port && !d.fromShow);
    if (i < 0) return false;
    this.destinations.splice(i, 1);
    return true;
  }

  list(): FeedbackDestination[] {
    return this.destinations.map(({ host, port, originKey, fromShow }) => ({ host, port, originKey, fromShow }));
  }

  get sent(): number {
    return this.sentCount;
  }

  private onChange(entry: ParamEntry, value: unknown, origin: ChangeOrigin): void {
    for (const d of this.destinations) {
      // The sender already shows this value; a later change from elsewhere will queue it again.
      if (origin !== null && origin === d.originKey) d.pending.delete(entry.path);
      else d.pending.set(entry.path, value);
    }
  }

  /** Sends what is pending (also called by tests to flush at once). */
  flush(): void {
    for (const d of this.destinations) {
      if (d.pending.size === 0) continue;
      for (const [path, value] of d.pending) {
        const entry = this.params.entry(path);
        if (!entry) continue;
        try {
          this.send(encode({ oscType: 'message', address: path, args: [oscArgument(entry.info, value)] }), d.port, d.host);
          this.sentCount++;
        } catch {
          // An unencodable value or a dead route to the host must not stop the others.
        }
      }
      d.pending.clear();
    }
  }
}
