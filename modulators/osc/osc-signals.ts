import type { SignalBus } from '../signal-bus.js';

export const MAX_OSC_SIGNALS = 1024;

interface Learned {
  slot: number;
  lo: number;
  hi: number;
  declared: boolean;
}

/**
 * OSC addresses that are not parameters become signals (`osc:/1/fader3`) the moment a surface first
 * sends them, so a TouchOSC layout works with no configuration. Values are normalised to 0..1 by a
 * declared range, or by the range seen so far (starting from 0..1, the usual fader range).
 */
export class OscSignals {
  private readonly known = new Map<string, Learned>();

  constructor(
    private readonly bus: SignalBus,
    private readonly declared: Record<string, [number, number]> = {},
  ) {}

  /** Feeds a value; false when the signal cannot be created (too many distinct addresses). */
  feed(address: string, value: number, timeMs: number): boolean {
    let s = this.known.get(address);
    if (!s) {
      if (this.known.size >= MAX_OSC_SIGNALS) return false;
      const slot = this.bus.register(`osc:${address}`, 'unipolar', 'OSC input');
      if (slot === null) return false;
      const range = this.declared[address];
      s = range ? { slot, lo: Math.min(...range), hi: Math.max(...range), declared: true } : { slot, lo: 0, hi: 1, declared: false };
      this.known.set(address, s);
    }
    if (!s.declared) {
      if (value < s.lo) s.lo = value;
      if (value > s.hi) s.hi = value;
    }
    const span = s.hi - s.lo || 1;
    const normalised = (value - s.lo) / span;
    this.bus.set(s.slot, normalised < 0 ? 0 : normalised > 1 ? 1 : normalised, timeMs);
    return true;
  }

  get count(): number {
    return this.known.size;
  }
}
