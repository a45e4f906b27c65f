import { Type } from '@sinclair/typebox';
import { MAX_BPM, MIN_BPM, type ClockState } from '../core/clock.js';
import type { Generator } from './generator.js';
import type { SignalBus } from './signal-bus.js';

/**
 * The clock as routable signals: `clock:beat` and `clock:bar` (phase ramps 0..1), `clock:pulse`
 * (1 on the beat, falling to 0 over a quarter beat — for flashes), `clock:bpm` (tempo scaled 0..1).
 */
export class ClockSignals implements Generator {
  readonly id = 'clock';
  readonly paramPrefix = '/clock/signals';
  readonly params = Type.Object({});
  readonly values = {};
  private slots = { beat: -1, bar: -1, pulse: -1, bpm: -1 };

  attach(bus: SignalBus): void {
    this.slots = {
      beat: bus.register('clock:beat', 'unipolar', 'position in the beat, 0..1') ?? -1,
      bar: bus.register('clock:bar', 'unipolar', 'position in the bar, 0..1') ?? -1,
      pulse: bus.register('clock:pulse', 'unipolar', '1 on each beat, fading over a quarter beat') ?? -1,
      bpm: bus.register('clock:bpm', 'unipolar', `tempo, ${MIN_BPM}..${MAX_BPM} BPM as 0..1`) ?? -1,
    };
  }

  update(clock: ClockState, bus: SignalBus, nowMs: number): void {
    bus.set(this.slots.beat, clock.beatPhase, nowMs);
    bus.set(this.slots.bar, clock.barPhase, nowMs);
    bus.set(this.slots.pulse, pulse(clock), nowMs);
    bus.set(this.slots.bpm, (clock.bpm - MIN_BPM) / (MAX_BPM - MIN_BPM), nowMs);
  }

  predict(clock: ClockState, values: Float64Array): void {
    if (this.slots.beat >= 0) values[this.slots.beat] = clock.beatPhase;
    if (this.slots.bar >= 0) values[this.slots.bar] = clock.barPhase;
    if (this.slots.pulse >= 0) values[this.slots.pulse] = pulse(clock);
  }
}

function pulse(clock: ClockState): number {
  return Math.max(0, 1 - clock.beatPhase * 4);
}
