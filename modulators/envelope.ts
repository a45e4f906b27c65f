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
});

type Stage = 'idle' | 'attack' | 'decay' | 'sustain' | 'release';

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
    const v = this.values as { mode: 'ad' | 'adsr'; attack: number; decay: number; sustain: number; release: number; gate: boolean };
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

  private startRelease(): void {
    this.stage = 'release';
    this.releaseFrom = Math.max(this.level, 1e-9);
  }
}
