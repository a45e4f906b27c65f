import type { TObject } from '@sinclair/typebox';
import type { ClockState } from '../core/clock.js';
import type { SignalBus } from './signal-bus.js';

/**
 * A signal source computed from the clock each frame (LFO, envelope, clock). Its parameters live in
 * the address space under `paramPrefix`, so surfaces and other routes can play them too.
 */
export interface Generator {
  readonly id: string;
  readonly paramPrefix: string;
  readonly params: TObject;
  /** Live parameter values (the address space writes them). */
  readonly values: Record<string, unknown>;
  /** Registers its signals on the bus. */
  attach(bus: SignalBus): void;
  /** Computes this frame's values; `nowMs` is the frame's time in ms. */
  update(clock: ClockState, bus: SignalBus, nowMs: number): void;
  /**
   * Writes into `values` (indexed by slot) what its signals will be at `clock`, a time ahead of this
   * frame, for the generators that can tell (beat-locked ones); the others leave them as they are now.
   */
  predict?(clock: ClockState, values: Float64Array): void;
}

/** Deterministic noise in -1..1 for (seed, n): the same clock always gives the same "random" LFO. */
export function hashNoise(seed: number, n: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n | 0, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return (h / 0xffffffff) * 2 - 1;
}

export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
