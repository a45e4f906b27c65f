import type { ClockState } from '../core/clock.js';
import { ClockSignals } from './clock-signals.js';
import { Envelope } from './envelope.js';
import type { Generator } from './generator.js';
import { Lfo } from './lfo.js';
import { Lookahead } from './lookahead.js';
import { ModulationMatrix, type TargetLookup } from './matrix.js';
import { SignalBus } from './signal-bus.js';
import { TapTempo } from './tap-tempo.js';

export interface ModulationConfig {
  lfos: Record<string, Record<string, unknown>>;
  envelopes: Record<string, Record<string, unknown>>;
}

/** The standard set every show has, so a VJ can route without configuring sources first. */
export const DEFAULT_LFOS = ['lfo1', 'lfo2', 'lfo3', 'lfo4'];
export const DEFAULT_ENVELOPES = ['env1', 'env2'];

/**
 * Signal sources, the bus they write to and the matrix that reads it. Per frame, after the clock:
 * generators compute their signals, then the matrix writes every routed parameter.
 */
export class Modulation {
  readonly bus = new SignalBus();
  readonly matrix: ModulationMatrix;
  readonly lfos = new Map<string, Lfo>();
  readonly envelopes = new Map<string, Envelope>();
  readonly tapTempo = new TapTempo();
  /** Signals some milliseconds ahead, for parameters whose effect reaches the output later (the host sets its lanes). */
  readonly lookahead = new Lookahead();
  private readonly generators: Generator[] = [];

  constructor(params: TargetLookup, config: ModulationConfig) {
    this.matrix = new ModulationMatrix(this.bus, params);
    this.add(new ClockSignals());
    for (const id of new Set([...DEFAULT_LFOS, ...Object.keys(config.lfos)])) {
      const lfo = new Lfo(id, config.lfos[id] ?? {});
      this.lfos.set(id, lfo);
      this.add(lfo);
    }
    for (const id of new Set([...DEFAULT_ENVELOPES, ...Object.keys(config.envelopes)])) {
      const env = new Envelope(id, config.envelopes[id] ?? {});
      this.envelopes.set(id, env);
      this.add(env);
    }
  }

  /** Generators with parameters, for the address space. */
  generatorList(): readonly Generator[] {
    return this.generators;
  }

  private add(generator: Generator): void {
    generator.attach(this.bus);
    this.generators.push(generator);
  }

  /** Once per frame, at frame time (and, for the look-ahead lanes, at theirs). */
  update(clock: ClockState, nowMs: number): void {
    for (let i = 0; i < this.generators.length; i++) this.generators[i]!.update(clock, this.bus, nowMs);
    this.lookahead.prepare(clock, this.bus, this.generators);
    this.matrix.evaluate(clock.dt);
  }
}
