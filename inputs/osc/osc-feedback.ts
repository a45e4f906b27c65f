import { encode } from 'node-osc';
import type { ParamSpace } from '../../params/param-space.js';
import type { FeedbackCoalescer, FeedbackHandle, PendingChange } from '../../params/feedback-coalescer.js';
import { oscArguments } from './osc-value.js';

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
 * Sends every parameter change to registered surfaces through the host's feedback coalescer (latest
 * value per address, at most 30 sends a second per surface). A change is never sent back to the
 * surface it came from.
 */
export class OscFeedback {
  private readonly destinations: (FeedbackDestination & { handle: FeedbackHandle; renewedAt: number })[] = [];
  private sentCount = 0;

  constructor(
    private readonly params: ParamSpace,
    private readonly coalescer: FeedbackCoalescer,
    private readonly send: (packet: Buffer, port: number, host: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Stops sending: every destination leaves the coalescer. */
  stop(): void {
    for (const d of this.destinations) d.handle.remove();
    this.destinations.length = 0;
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
      const { host, port, originKey } = destination;
      const handle = this.coalescer.add({
        // The sender already shows its own change; a later change from elsewhere will queue it again.
        wants: (_entry, origin) => origin === null || origin !== originKey,
        deliver: (changes) => this.deliver(changes, host, port),
      });
      d = { ...destination, handle, renewedAt: this.now() };
      this.destinations.push(d);
    }
    d.renewedAt = this.now();
    for (const entry of this.params.list()) d.handle.queue(entry, entry.base);
    return true;
  }

  /** Drops subscriptions not renewed within their lease (the show's own surfaces stay). */
  expire(): number {
    const before = this.destinations.length;
    const cutoff = this.now() - SUBSCRIPTION_LEASE_MS;
    for (let i = this.destinations.length - 1; i >= 0; i--) {
      const d = this.destinations[i]!;
      if (!d.fromShow && d.renewedAt < cutoff) this.destinations.splice(i, 1)[0]!.handle.remove();
    }
    return before - this.destinations.length;
  }

  remove(host: string, port: number): boolean {
    const i = this.destinations.findIndex((d) => d.host === host && d.port === port && !d.fromShow);
    if (i < 0) return false;
    this.destinations.splice(i, 1)[0]!.handle.remove();
    return true;
  }

  list(): FeedbackDestination[] {
    return this.destinations.map(({ host, port, originKey, fromShow }) => ({ host, port, originKey, fromShow }));
  }

  get sent(): number {
    return this.sentCount;
  }

  /** Sends what is waiting at once (tests). */
  flush(): void {
    for (const d of this.destinations) d.handle.flush();
  }

  private deliver(changes: Iterable<PendingChange>, host: string, port: number): void {
    for (const { entry, value } of changes) {
      try {
        this.send(encode({ oscType: 'message', address: entry.path, args: oscArguments(entry.info, value) }), port, host);
        this.sentCount++;
      } catch {
        // An unencodable value or a dead route to the host must not stop the others.
      }
    }
  }
}
