import type { ModulationMatrix } from '../modulators/matrix.js';
import type { SignalBus } from '../modulators/signal-bus.js';
import type { ActionSpace } from '../params/actions.js';
import type { ParamSpace } from '../params/param-space.js';
import type { FeedbackCoalescer } from '../params/feedback-coalescer.js';

/**
 * What an input adapter (OSC, OSCQuery, MIDI, audio) may do to the running show: set parameters, run
 * actions, publish signals and routes, take a turn at each frame's start, report stats. The engine
 * provides it; an adapter never sees the engine itself.
 */
export interface InputPort {
  readonly params: ParamSpace;
  readonly actions: ActionSpace;
  /** How changes reach the surfaces that mirror them (feedback to tablets, controllers, pages). */
  readonly feedback: FeedbackCoalescer;
  readonly modulation: { readonly bus: SignalBus; readonly matrix: ModulationMatrix };
  /** The audio spectrum shaders read (SPECTRUM_BINS values, 0..1), written by the audio input. */
  readonly spectrum: Float32Array;
  /** Runs `pump` at the start of every frame, before parameters are read. */
  addFrameInput(pump: () => void): void;
  addStatsSection(name: string, read: () => unknown): void;
}
