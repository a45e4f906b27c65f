import type { ClockState } from '../core/clock.js';
import { defaultParams, Param } from '../core/params.js';
import { hashNoise, seedOf, type Generator } from './generator.js';
import type { SignalBus } from './signal-bus.js';

export const LfoShapes = ['sine', 'triangle', 'saw-up', 'saw-down', 'square', 'sample-hold', 'smooth-random'] as const;
export type LfoShape = (typeof LfoShapes)[number];

/** Musical periods for a synced LFO, in beats (a bar is 4 beats). */
export const LfoDivisions = {
  '1/16': 0.25,
  '1/8': 0.5,
  '1/4': 1,
  '1/2': 2,
  '1 bar': 4,
  '2 bars': 8,
  '4 bars': 16,
  '8 bars': 32,
  '16 bars': 64,
} as const;
const divisionNames = Object.keys(LfoDivisions) as [keyof typeof LfoDivisions, ...(keyof typeof LfoDivisions)[]];

export const lfoParams = Param.object({
  shape: Param.enum({ options: LfoShapes, default: 'sine', label: 'Shape' }),
  rate: Param.number({ default: 1, min: 0.01, max: 40, unit: 'hz', label: 'Rate', description: 'Cycles per second when not synced.' }),
  sync: Param.boolean({ default: false, label: 'Sync to beat', description: 'Use the division instead of the rate.' }),
  division: Param.enum({ options: divisionNames, default: '1/4', label: 'Division', description: 'One cycle per this note value (1/4 = one beat).' }),
  phase: Param.number({ default: 0, min: 0, max: 1, unit: 'normalized', label: 'Phase offset' }),
  width: Param.number({ default: 0.5, min: 0.01, max: 0.99, unit: 'normalized', label: 'Pulse width', description: 'Square: share of the cycle spent high.' }),
  retrigger: Param.boolean({ default: false, label: 'Retrigger on beat', description: 'Free-running phase restarts on every beat.' }),
});

/**
 * Low-frequency oscillator. Signals: `<id>:out` (-1..1) and `<id>:uni` (0..1).
 * Free-running phase accumulates rate x dt, so modulating the rate never jumps the phase;
 * synced phase is read off the beat position, so it stays locked to the clock.
 */
export class Lfo implements Generator {
  readonly params = lfoParams;
  readonly values: Record<string, unknown>;
  readonly paramPrefix: string;
  private phaseAcc = 0;
  private lastBeat = -1;
  /** This frame's position (cycles, before the phase offset) and time, for predictions from it. */
  private lastCycles = 0;
  private lastTime = 0;
  private readonly seed: number;
  private outSlot = -1;
  private uniSlot = -1;

  constructor(readonly id: string, initial: Record<string, unknown> = {}) {
    this.values = { ...defaultParams(lfoParams), ...initial };
    this.paramPrefix = `/lfo/${id}`;
    this.seed = seedOf(id);
  }

  attach(bus: SignalBus): void {
    this.outSlot = bus.register(`${this.id}:out`, 'bipolar', `LFO ${this.id}, -1..1`) ?? -1;
    this.uniSlot = bus.register(`${this.id}:uni`, 'unipolar', `LFO ${this.id}, 0..1`) ?? -1;
  }

  update(clock: ClockState, bus: SignalBus, nowMs: number): void {
    const v = this.values as { shape: LfoShape; rate: number; sync: boolean; division: keyof typeof LfoDivisions; phase: number; width: number; retrigger: boolean };
    let cycles: number;
    if (v.sync) {
      cycles = clock.beat / LfoDivisions[v.division];
    } else {
      const beatIndex = Math.floor(clock.beat);
      if (v.retrigger && this.lastBeat >= 0 && beatIndex !== this.lastBeat) {
        // Restart at the beat itself: keep the part of this frame's step that came after it.
        this.phaseAcc = Math.floor(this.phaseAcc) + 1 + (clock.beatPhase * 60 * v.rate) / clock.bpm;
      } else {
        this.phaseAcc += clock.dt * v.rate;
      }
      this.lastBeat = beatIndex;
      cycles = this.phaseAcc;
    }
    cycles += v.phase;
    const out = lfoValue(v.shape, cycles, v.width, this.seed);
    if (this.outSlot >= 0) bus.set(this.outSlot, out, nowMs);
    if (this.uniSlot >= 0) bus.set(this.uniSlot, (out + 1) / 2, nowMs);
    this.lastCycles = cycles - v.phase;
    this.lastTime = clock.time;
  }

  /** Synced: read off the beat ahead. Free (not retriggered): the phase runs on at its rate. */
  predict(clock: ClockState, values: Float64Array): void {
    const v = this.values as { shape: LfoShape; rate: number; sync: boolean; division: keyof typeof LfoDivisions; phase: number; width: number; retrigger: boolean };
    let cycles: number;
    if (v.sync) cycles = clock.beat / LfoDivisions[v.division];
    else if (!v.retrigger) cycles = this.lastCycles + (clock.time - this.lastTime) * v.rate;
    else return;
    const out = lfoValue(v.shape, cycles + v.phase, v.width, this.seed);
    if (this.outSlot >= 0) values[this.outSlot] = out;
    if (this.uniSlot >= 0) values[this.uniSlot] = (out + 1) / 2;
  }
}

/** The waveform at a position in cycles (the integer part picks the random step), -1..1. */
export function lfoValue(shape: LfoShape, cycles: number, width: number, seed: number): number {
  const n = Math.floor(cycles);
  const p = cycles - n;
  switch (shape) {
    case 'sine':
      return Math.sin(2 * Math.PI * p);
    case 'triangle':
      return p < 0.25 ? 4 * p : p < 0.75 ? 2 - 4 * p : 4 * p - 4;
    case 'saw-up':
      return 2 * p - 1;
    case 'saw-down':
      return 1 - 2 * p;
    case 'square':
      return p < width ? 1 : -1;
    case 'sample-hold':
      return hashNoise(seed, n);
    case 'smooth-random': {
      const a = hashNoise(seed, n);
      const b = hashNoise(seed, n + 1);
      const t = (1 - Math.cos(Math.PI * p)) / 2;
      return a + (b - a) * t;
    }
  }
}
