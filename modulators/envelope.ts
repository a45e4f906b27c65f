import type { ClockState } from '../core/clock.js';
import { defaultParams, Param } from '../core/params.js';
import type { Generator } from './generator.js';
import type { SignalBus } from './signal-bus.js';

export const envelopeParams = Param.object({
  mode: Param.enum({ options: ['ad', 'adsr'] as const, default: 'ad', label: 'Mode', description: 'ad: a trigger plays attack then decay; adsr: holds sustain while the gate is on.' }),
  attack: Param.number({ default: 0.01, min: 0, max: 30, unit: 'seconds', label: 'Attack' }),
  decay: Param.number({ default: 0.3, min: 0, max: 30, unit: 'seconds', label: 'Decay' }),
  sustain: Param.number({ default: 0.7, min: 0, max: 1, unit: 'normalized', label: 'Sustain' }),
  release: Param.number({ default: 0.5, min: 0, max: 30, unit: 'seconds', label: 'Release' }),
  gate: Param.boolean({ default: false, label: 'Gate', description: 'On: trigger (and hold, in adsr mode). Off: release.' }),
  triggerOn: Param.enum({
    options: ['manual', 'beat', 'bar'] as const, default: 'manual', label: 'Trigger on',
    description: 'manual: the gate or /env/<id>/trigger; beat or bar: also fired on every beat or bar of the clock.',
  }),
});

type Stage = 'idle' | 'attack' | 'decay' | 'sustain' | 'release';
type EnvelopeValues = { mode: 'ad' | 'adsr'; attack: number; decay: number; sustain: number; release: number; gate: boolean; triggerOn: 'manual' | 'beat' | 'bar' };

/** AD / ADSR envelope. Signal: `<id>:out` (0..1). Triggered by the gate parameter's rising edge or `trigger()`. */
export class Envelope implements Generator {
  readonly params = envelopeParams;
  readonly values: Record<string, unknown>;
  readonly paramPrefix: string;
  private stage: Stage = 'idle';
  private level = 0;
  private releaseFrom = 0;
  private gateWas = false;
  private triggered = false;
  private slot = -1;
  private lastCount = -1;

  constructor(readonly id: string, initial: Record<string, unknown> = {}) {
    this.values = { ...defaultParams(envelopeParams), ...initial };
    this.paramPrefix = `/env/${id}`;
  }

  attach(bus: SignalBus): void {
    this.slot = bus.register(`${this.id}:out`, 'unipolar', `envelope ${this.id}, 0..1`) ?? -1;
  }

  /** Starts the attack at the next frame (a one-shot, whatever the gate). */
  trigger(): void {
    this.triggered = true;
  }

  update(clock: ClockState, bus: SignalBus, nowMs: number): void {
    const v = this.values as EnvelopeValues;
    const count = v.triggerOn === 'manual' ? -1 : Math.floor(v.triggerOn === 'bar' ? clock.bar : clock.beat);
    if (count >= 0 && this.lastCount >= 0 && count !== this.lastCount) this.triggered = true;
    this.lastCount = count;
    const gate = v.gate;
    if ((gate && !this.gateWas) || this.triggered) this.stage = 'attack';
    else if (!gate && this.gateWas && v.mode === 'adsr' && this.stage !== 'idle') this.startRelease();
    this.gateWas = gate;
    this.triggered = false;
    const dt = clock.dt;
    switch (this.stage) {
      case 'idle':
        this.level = 0;
        break;
      case 'attack':
        this.level = v.attack <= 0 ? 1 : this.level + dt / v.attack;
        if (this.level >= 1) {
          this.level = 1;
          this.stage = 'decay';
        }
        break;
      case 'decay': {
        const floor = v.mode === 'adsr' ? v.sustain : 0;
        this.level = v.decay <= 0 ? floor : this.level - (dt / v.decay) * (1 - floor);
        if (this.level <= floor) {
          this.level = floor;
          this.stage = v.mode === 'adsr' ? (gate ? 'sustain' : 'release') : 'idle';
          if (this.stage === 'release') this.releaseFrom = this.level;
        }
        break;
      }
      case 'sustain':
        this.level = v.sustain;
        break;
      case 'release':
        this.level = v.release <= 0 ? 0 : this.level - (dt / v.release) * this.releaseFrom;
        if (this.level <= 0) {
          this.level = 0;
          this.stage = 'idle';
        }
        break;
    }
    if (this.slot >= 0) bus.set(this.slot, this.level, nowMs);
  }

  /**
   * Fired by the beat or bar (attack then decay, `ad`): its level at `clock` is the shape at the time since
   * the last beat or bar there. Fired by hand, or held (`adsr`), it cannot be foreseen.
   */
  predict(clock: ClockState, values: Float64Array): void {
    const v = this.values as EnvelopeValues;
    if (v.triggerOn === 'manual' || v.mode !== 'ad' || this.slot < 0) return;
    const phase = v.triggerOn === 'bar' ? clock.barPhase * clock.beatsPerBar : clock.beatPhase;
    const since = (phase * 60) / clock.bpm;
    const level = since < v.attack ? since / v.attack : v.decay <= 0 ? 0 : Math.max(0, 1 - (since - v.attack) / v.decay);
    values[this.slot] = level;
  }

  private startRelease(): void {
    this.stage = 'release';
    this.releaseFrom = Math.max(this.level, 1e-9);
  }
}
