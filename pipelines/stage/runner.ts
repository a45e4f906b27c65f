import type { ClockState } from '../../core/clock.js';
import type { Frame } from '../../core/frame.js';
import type { StageStats } from './stage-stats.js';

export interface Size {
  width: number;
  height: number;
}

/** How a stage runs its pipeline on each tick: in the tick (inline) or beside the loop (decoupled). */
export interface StageRunner {
  /** The frame the stage contributes to this tick, or null to fall back (input, last good, black). */
  run(input: Frame | null, clock: ClockState, size: Size): Frame | null;
  /** Adds what is particular to this way of running to the stage's stats. */
  describe(stats: StageStats): void;
  /**
   * How long after the frame whose input (and parameters) a run took its result reaches the output, in
   * the show's seconds, smoothed; 0 for a stage that answers in its own frame.
   */
  delaySeconds(): number;
  dispose(): void;
}

/** What a runner reports to its stage. */
export interface StageHooks {
  recordError: (error: unknown) => void;
  now: () => number;
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** A pipeline's result must be a frame of the show's size. */
export function checkFrame(frame: Frame, size: Size): void {
  if (!frame || !(frame.data instanceof Uint8Array)) throw new Error('process() did not return a frame');
  if (frame.width !== size.width || frame.height !== size.height || frame.data.length !== size.width * size.height * 4) {
    throw new Error(`process() returned a ${frame.width}x${frame.height} frame; the show is ${size.width}x${size.height}`);
  }
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
