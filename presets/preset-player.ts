import type { ClockState } from '../core/clock.js';
import type { ParamInfo } from '../core/params.js';
import { ease, interpolate } from './interpolate.js';
import type { Easing, Preset, Transition } from './preset.js';

/** What the player needs of the address space (the host's ParamSpace fits). */
export interface PresetTargets {
  entry(path: string): { info: ParamInfo; base: unknown } | undefined;
  list(): readonly { path: string; info: ParamInfo; base: unknown }[];
  /** Applies a base value within the current frame. */
  setNow(path: string, value: unknown, origin: string): { ok: boolean };
  get(path: string): unknown;
}

export interface RouteTargets {
  setRoutes(routes: unknown[]): unknown;
}

interface Morph {
  preset: Preset;
  paths: string[];
  infos: ParamInfo[];
  from: unknown[];
  to: unknown[];
  /** Per path, how far ahead (seconds) it plays: a quantised recall reaches the output on the beat through a model's delay. */
  ahead: number[];
  startTime: number;
  startBeat: number;
  duration: number;
  unit: Transition['unit'];
  curve: Easing;
  switchPoint: number;
  beatsPerBar: number;
}

export interface PlayerState {
  current: string | null;
  waiting: string | null;
  morphing: boolean;
  progress: number;
}

const ORIGIN = 'preset';

/**
 * Recalls presets inside the frame loop: instantly (this frame) or as a morph over seconds, beats or
 * bars along an easing curve, optionally starting on the next beat or bar. A recall during a morph
 * starts from where the parameters are now, so nothing jumps. `scrub()` places the look between two
 * presets by a 0..1 position (the `/preset/morph` parameter, which a fader or an LFO can drive).
 */
export class PresetPlayer {
  /** `ahead`: the most any of its parameters plays ahead (seconds), read at the recall, not per frame. */
  private pending: { preset: Preset; transition: Transition; requestBeat: number; ahead: number } | null = null;
  private morph: Morph | null = null;
  private current: string | null = null;
  private lastBeat = 0;
  private lastProgress = 0;
  private scrubPair: [Preset, Preset] | null = null;
  private lastScrub = Number.NaN;
  skipped: string[] = [];

  constructor(
    private readonly targets: PresetTargets,
    private readonly routes: RouteTargets,
    /** How far ahead (seconds) a parameter's changes must be made to show on time (latency compensation); 0: none. */
    private readonly lookahead: (path: string) => number = () => 0,
  ) {}

  /** Asks for `preset`; it starts at this frame (or the next beat/bar when quantised). */
  recall(preset: Preset, override: Partial<Transition> = {}): void {
    const transition = { ...preset.transition, ...override };
    const ahead = transition.quantize === 'none' ? 0 : Object.keys(preset.params).reduce((most, path) => Math.max(most, this.lookahead(path)), 0);
    this.pending = { preset, transition, requestBeat: this.lastBeat, ahead };
  }

  /** Scrub between two presets; null stops scrubbing. */
  scrub(a: Preset | null, b: Preset | null): void {
    this.scrubPair = a && b ? [a, b] : null;
    this.lastScrub = Number.NaN;
  }

  state(): PlayerState {
    return { current: this.current, waiting: this.pending?.preset.name ?? null, morphing: this.morph !== null, progress: this.morph ? this.lastProgress : 1 };
  }

  /** Called once per frame after the clock is updated, before modulation and rendering. */
  frame(clock: ClockState, scrubPosition: number): void {
    const due = this.pending ? this.dueAt(clock) : null;
    if (due) {
      const { preset, transition } = this.pending!;
      this.pending = null;
      this.start(preset, transition, clock, due);
    }
    if (this.morph) this.step(clock);
    else if (this.scrubPair && scrubPosition !== this.lastScrub) this.applyScrub(scrubPosition);
    this.lastBeat = clock.beat;
  }

  /**
   * When the pending recall starts (its beat and time), once the first of its parameters is due: a
   * quantised one at the next beat or bar, which a parameter that plays ahead (through a model) reaches
   * that much sooner; null while none is due yet.
   */
  private dueAt(clock: ClockState): { beat: number; time: number } | null {
    const { quantize } = this.pending!.transition;
    if (quantize === 'none') return { beat: clock.beat, time: clock.time };
    const span = quantize === 'bar' ? clock.beatsPerBar : 1;
    const eps = 1e-9;
    const boundary = (Math.floor((this.pending!.requestBeat + eps) / span) + 1) * span;
    if (clock.beat + (this.pending!.ahead * clock.bpm) / 60 + eps < boundary) return null;
    return { beat: boundary, time: clock.time + ((boundary - clock.beat) * 60) / clock.bpm };
  }

  private start(preset: Preset, t: Transition, clock: ClockState, at: { beat: number; time: number }): void {
    this.current = preset.name;
    this.skipped = [];
    if (preset.routes) this.routes.setRoutes(preset.routes);
    const paths: string[] = [];
    const infos: ParamInfo[] = [];
    const from: unknown[] = [];
    const to: unknown[] = [];
    const ahead: number[] = [];
    const quantised = t.quantize !== 'none';
    for (const [path, value] of Object.entries(preset.params)) {
      const entry = this.targets.entry(path);
      if (!entry) {
        this.skipped.push(path); // a parameter this show does not have
        continue;
      }
      paths.push(path);
      infos.push(entry.info);
      from.push(entry.base);
      to.push(value);
      ahead.push(quantised ? this.lookahead(path) : 0);
    }
    const instant = t.mode === 'instant' || t.duration <= 0;
    if (instant && !ahead.some((a) => a > 0)) {
      this.morph = null;
      paths.forEach((p, i) => this.apply(p, to[i]));
      return;
    }
    this.morph = {
      preset, paths, infos, from, to, ahead, startTime: at.time, startBeat: at.beat, duration: instant ? 0 : t.duration, unit: t.unit,
      curve: t.curve as Easing, switchPoint: t.switchAt === 'start' ? 0 : t.switchAt === 'end' ? 1 : 0.5, beatsPerBar: clock.beatsPerBar,
    };
    this.lastProgress = 0;
    this.step(clock);
  }

  private step(clock: ClockState): void {
    const m = this.morph!;
    this.lastProgress = Math.max(0, this.progressAt(m, clock, 0));
    let done = true;
    for (let i = 0; i < m.paths.length; i++) {
      // A path that plays ahead is where the morph will be when its change reaches the output.
      const progress = this.progressAt(m, clock, m.ahead[i]!);
      if (progress < 0) {
        done = false; // not started yet for this path
        continue;
      }
      if (progress < 1) done = false;
      const value = progress >= 1 ? m.to[i] : interpolate(m.infos[i]!, m.from[i], m.to[i], ease(m.curve, progress), progress, m.switchPoint);
      this.apply(m.paths[i]!, value);
    }
    if (done) this.morph = null;
  }

  /** The morph's progress `ahead` seconds from this frame: below 0 before it starts, at most 1. */
  private progressAt(m: Morph, clock: ClockState, ahead: number): number {
    const elapsed = m.unit === 'seconds' ? clock.time + ahead - m.startTime : (clock.beat + (ahead * clock.bpm) / 60 - m.startBeat) / (m.unit === 'bars' ? m.beatsPerBar : 1);
    if (elapsed < -1e-9) return -1;
    return m.duration > 0 ? Math.min(1, elapsed / m.duration) : 1;
  }

  private applyScrub(position: number): void {
    this.lastScrub = position;
    const [a, b] = this.scrubPair!;
    const eased = ease('linear', position);
    for (const [path, va] of Object.entries(a.params)) {
      const entry = this.targets.entry(path);
      if (!entry || !(path in b.params)) continue;
      this.apply(path, interpolate(entry.info, va, b.params[path], eased, position, 0.5));
    }
  }

  private apply(path: string, value: unknown): void {
    if (!this.targets.setNow(path, value, ORIGIN).ok && !this.skipped.includes(path)) this.skipped.push(path);
  }
}
