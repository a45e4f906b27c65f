import type { ChangeOrigin, ParamEntry, ParamSpace } from './param-space.js';

/** The latest change of one parameter waiting for a surface. */
export interface PendingChange {
  entry: ParamEntry;
  value: unknown;
  origin: ChangeOrigin;
}

/** A surface that mirrors parameter changes: an OSC tablet, a MIDI controller, a socket client, an OSCQuery listener. */
export interface FeedbackSink {
  /**
   * False for a change this surface must not get: its own echo, a path it does not listen to. A refused
   * change also drops what was waiting for that path, since the surface already shows the newer value.
   */
  wants(entry: ParamEntry, origin: ChangeOrigin): boolean;
  /** The changes since the last delivery, latest per path, in the order their paths first changed. */
  deliver(changes: Iterable<PendingChange>): void;
}

export interface FeedbackHandle {
  /** Queues a value for this surface alone (its full state when it subscribes). */
  queue(entry: ParamEntry, value: unknown): void;
  /** Delivers what is waiting at once. */
  flush(): void;
  remove(): void;
}

export interface CoalescerOptions {
  /** Deliveries a second per surface, on average. */
  rateHz?: number;
  /** Deliveries that may go at once before the rate applies. */
  burst?: number;
  now?: () => number;
}

interface SinkState {
  sink: FeedbackSink;
  pending: Map<string, PendingChange>;
  /** Change records of earlier deliveries, reused so that steady feedback allocates nothing. */
  spare: PendingChange[];
  tokens: number;
  filledAt: number;
  timer: NodeJS.Timeout | null;
  /** A delivery is queued for right after the current frame (a microtask: before any other event). */
  soon: boolean;
}

/**
 * The one way parameter changes reach surfaces. Each surface keeps the latest value per path; while it
 * has deliveries left (`rateHz` a second, `burst` at once) what changed in a frame goes out together as
 * soon as the frame has applied it (before it renders; a change made outside a frame, right after it),
 * so a fader move is not held back; faster than that, changes wait and coalesce.
 */
export class FeedbackCoalescer {
  private readonly sinks = new Set<SinkState>();
  private readonly periodMs: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly unsubscribe: (() => void)[];

  constructor(params: ParamSpace, options: CoalescerOptions = {}) {
    this.periodMs = 1000 / (options.rateHz ?? 30);
    this.burst = options.burst ?? 3;
    this.now = options.now ?? (() => performance.now());
    this.unsubscribe = [
      params.onChange((entry, value, origin) => {
        for (const state of this.sinks) this.hear(state, entry, value, origin);
      }),
      // A frame's changes go out together as soon as they are applied, before the frame renders.
      params.onApplied(() => {
        for (const state of this.sinks) if (state.soon) this.deliver(state);
      }),
    ];
  }

  add(sink: FeedbackSink): FeedbackHandle {
    const state: SinkState = { sink, pending: new Map(), spare: [], tokens: this.burst, filledAt: this.now(), timer: null, soon: false };
    this.sinks.add(state);
    return {
      queue: (entry, value) => this.put(state, entry, value, null),
      flush: () => this.deliver(state),
      remove: () => this.drop(state),
    };
  }

  /** Delivers everything waiting, to every surface, at once. */
  flush(): void {
    for (const state of this.sinks) this.deliver(state);
  }

  close(): void {
    for (const off of this.unsubscribe) off();
    for (const state of this.sinks) this.drop(state);
  }

  private hear(state: SinkState, entry: ParamEntry, value: unknown, origin: ChangeOrigin): void {
    if (state.sink.wants(entry, origin)) this.put(state, entry, value, origin);
    else this.forget(state, entry.path);
  }

  private put(state: SinkState, entry: ParamEntry, value: unknown, origin: ChangeOrigin): void {
    const waiting = state.pending.get(entry.path);
    if (waiting) {
      waiting.value = value;
      waiting.origin = origin;
    } else {
      const change = state.spare.pop() ?? { entry, value, origin };
      change.entry = entry;
      change.value = value;
      change.origin = origin;
      state.pending.set(entry.path, change);
    }
    this.schedule(state);
  }

  private forget(state: SinkState, path: string): void {
    const waiting = state.pending.get(path);
    if (!waiting) return;
    state.pending.delete(path);
    state.spare.push(waiting);
  }

  private schedule(state: SinkState): void {
    if (state.timer || state.soon) return;
    this.refill(state);
    if (state.tokens >= 1) {
      state.soon = true;
      queueMicrotask(() => {
        if (state.soon) this.deliver(state);
      });
    } else {
      state.timer = setTimeout(() => this.deliver(state), (1 - state.tokens) * this.periodMs);
    }
  }

  private refill(state: SinkState): void {
    const now = this.now();
    state.tokens = Math.min(this.burst, state.tokens + (now - state.filledAt) / this.periodMs);
    state.filledAt = now;
  }

  private deliver(state: SinkState): void {
    this.cancel(state);
    if (state.pending.size === 0) return;
    this.refill(state);
    state.tokens = Math.max(0, state.tokens - 1);
    try {
      state.sink.deliver(state.pending.values());
    } finally {
      for (const change of state.pending.values()) state.spare.push(change);
      state.pending.clear();
    }
  }

  private cancel(state: SinkState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    state.soon = false;
  }

  private drop(state: SinkState): void {
    this.cancel(state);
    this.sinks.delete(state);
  }
}
