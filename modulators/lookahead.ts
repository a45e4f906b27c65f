import type { ClockState } from '../core/clock.js';
import type { Generator } from './generator.js';
import { MAX_SIGNALS, type SignalBus } from './signal-bus.js';

/** Lanes of look-ahead one frame can have (a deck with two models has two; the rest of the show shares them). */
export const MAX_LANES = 4;

interface Lane {
  ms: number;
  clock: ClockState;
  values: Float64Array;
}

/**
 * The signals as they will be some milliseconds from now, one lane per delay: for parameters whose
 * effect reaches the output that much later (those of the stages up to a decoupled model). Each lane
 * starts as a copy of this frame's values, and every generator that can tell its future (the clock, a
 * synced or free LFO, an envelope fired by the beat) writes its value at the lane's time over it;
 * signals from outside (OSC, MIDI, audio) cannot be foreseen and stay as they are.
 */
export class Lookahead {
  private readonly lanes: Lane[] = Array.from({ length: MAX_LANES }, () => ({ ms: 0, clock: {} as ClockState, values: new Float64Array(MAX_SIGNALS) }));
  /** Each lane's delay this frame (ms); lanes past `count` are unused. Written by the host before the frame's modulation. */
  readonly delays = new Float64Array(MAX_LANES);
  count = 0;

  /** The lane's values (stable arrays: the matrix keeps them). */
  values(lane: number): Float64Array {
    return this.lanes[lane]!.values;
  }

  prepare(clock: ClockState, bus: SignalBus, generators: readonly Generator[]): void {
    const now = bus.valuesView;
    for (let l = 0; l < this.count; l++) {
      const lane = this.lanes[l]!;
      lane.ms = this.delays[l]!;
      aheadOf(clock, lane.ms, lane.clock);
      lane.values.set(now);
      if (lane.ms <= 0) continue;
      for (let g = 0; g < generators.length; g++) generators[g]!.predict?.(lane.clock, lane.values);
    }
  }
}

/** The clock `ms` from now at the current tempo, into `out` (reused: nothing is made per frame). */
export function aheadOf(clock: ClockState, ms: number, out: ClockState): ClockState {
  Object.assign(out, clock);
  const seconds = ms / 1000;
  out.time = clock.time + seconds;
  out.beat = clock.beat + (seconds * clock.bpm) / 60;
  out.beatPhase = out.beat - Math.floor(out.beat);
  out.bar = out.beat / clock.beatsPerBar;
  out.barPhase = out.bar - Math.floor(out.bar);
  return out;
}
