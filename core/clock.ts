import type { Bpm, Seconds } from './units.js';
import { DEFAULT_BEATS_PER_BAR } from './limits.js';

/** What every stage sees of time on one tick. Deterministic for a given driver and tempo history. */
export interface ClockState {
  /** Output frame index (0-based). */
  frame: number;
  /** Show time of this frame. */
  time: Seconds;
  /** Show time since the previous frame. */
  dt: Seconds;
  fps: number;
  bpm: Bpm;
  /** Beats since the clock started (fractional). */
  beat: number;
  /** Position inside the current beat, 0..1. */
  beatPhase: number;
  beatsPerBar: number;
  /** Bars since the clock started (fractional). */
  bar: number;
  /** Position inside the current bar, 0..1. */
  barPhase: number;
}

export const DEFAULT_BPM = 120;
export const MIN_BPM = 20;
export const MAX_BPM = 300;

/**
 * Musical time: beats accumulate from the tempo in force at each step, so a tempo change
 * never makes the beat position jump.
 */
export class Tempo {
  private bpmValue: Bpm;
  private beats = 0;
  beatsPerBar: number;

  constructor(bpm: Bpm = DEFAULT_BPM, beatsPerBar = DEFAULT_BEATS_PER_BAR) {
    this.bpmValue = clampBpm(bpm);
    this.beatsPerBar = beatsPerBar;
  }

  get bpm(): Bpm {
    return this.bpmValue;
  }

  set bpm(value: Bpm) {
    this.bpmValue = clampBpm(value);
  }

  get beat(): number {
    return this.beats;
  }

  advance(dt: Seconds): void {
    this.beats += (dt * this.bpmValue) / 60;
  }

  /** Shifts the beat position (nudge), in beats. */
  nudge(beats: number): void {
    this.beats = Math.max(0, this.beats + beats);
  }

  /** Moves the beat position to the nearest whole beat (a tap lands on the beat). */
  alignToNearestBeat(): void {
    this.beats = Math.round(this.beats);
  }

  /** Puts the next downbeat at this instant. */
  resync(): void {
    this.beats = Math.ceil(this.beats / this.beatsPerBar) * this.beatsPerBar;
  }
}

function clampBpm(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_BPM;
  return Math.min(MAX_BPM, Math.max(MIN_BPM, value));
}

/** Re-reads the beat position into `state` after the tempo moved it mid-frame (a tap, a resync). */
export function refreshBeat(state: ClockState, tempo: Tempo): void {
  state.beat = tempo.beat;
  state.beatPhase = tempo.beat - Math.floor(tempo.beat);
  state.bar = tempo.beat / tempo.beatsPerBar;
  state.barPhase = state.bar - Math.floor(state.bar);
}

/** Fills `state` for a tick in place (no allocation per frame). */
export function updateClockState(state: ClockState, frame: number, time: Seconds, fps: number, tempo: Tempo): void {
  const dt = frame === 0 ? 0 : Math.max(0, time - state.time);
  tempo.advance(dt);
  state.frame = frame;
  state.dt = dt;
  state.time = time;
  state.fps = fps;
  state.bpm = tempo.bpm;
  state.beatsPerBar = tempo.beatsPerBar;
  refreshBeat(state, tempo);
}

export function initialClockState(fps: number): ClockState {
  return { frame: 0, time: 0, dt: 0, fps, bpm: DEFAULT_BPM, beat: 0, beatPhase: 0, beatsPerBar: 4, bar: 0, barPhase: 0 };
}
