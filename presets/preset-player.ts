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
  private pending: { preset: Preset; transition: Transition; requestBeat: number } | null = null;
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
  ) {}

  /** Asks for `preset`; it starts at this frame (or the next beat/bar when quantised). */
  recall(preset: Preset, override: Partial<Transition> = {}): void {
    this.pending = { preset, transition: { ...preset.transition, ...override }, requestBeat: this.lastBeat };
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
    if (this.pending && this.dueNow(clock)) {
      const { preset, transition } = this.pending;
      this.pending = null;
      this.start(preset, transition, clock);
    }
    if (this.morph) this.step(clock);
    else if (this.scrubPair && scrubPosition !== this.lastScrub) this.applyScrub(scrubPosition);
    this.lastBeat = clock.beat;
  }

  private dueNow(clock: ClockState): boolean {
    const { quantize } = this.pending!.transition;
    if (quantize === 'none') return true;
    const span = quantize === 'bar' ? clock.beatsPerBar : 1;
    const eps = 1e-9;
    return Math.floor((clock.beat + eps) / span) > Math.floor((this.pending!.requestBeat + eps) / span);
  }

  private start(preset: Preset, t: Transition, clock: ClockState): void {
    this.current = preset.name;
    this.skipped = [];
    if (preset.routes) this.routes.setRoutes(preset.routes);
    const paths: string[] = [];
    const infos: ParamInfo[] = [];
    const from: unknown[] = [];
    const to: unknown[] = [];
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
    }
    if (t.mode === 'instant' || t.duration <= 0) {
      this.morph = null;
      paths.forEach((p, i) => this.apply(p, to[i]));
      return;
    }
    this.morph = {
      preset, paths, infos, from, to, startTime: clock.time, startBeat: clock.beat, duration: t.duration, unit: t.unit,
      curve: t.curve as Easing, switchPoint: t.switchAt === 'start' ? 0 : t.switchAt === 'end' ? 1 : 0.5, beatsPerBar: clock.beatsPerBar,
    };
    this.lastProgress = 0;
    this.step(clock);
  }

  private step(clock: ClockState): void {
    const m = this.morph!;
    const elapsed = m.unit === 'seconds' ? clock.time - m.startTime : (clock.beat - m.startBeat) / (m.unit === 'bars' ? m.beatsPerBar : 1);
    const progress = Math.min(1, Math.max(0, elapsed / m.duration));
    this.lastProgress = progress;
    const eased = ease(m.curve, progress);
    for (let i = 0; i < m.paths.length; i++) {
      const value = progress >= 1 ? m.to[i] : interpolate(m.infos[i]!, m.from[i], m.to[i], eased, progress, m.switchPoint);
      this.apply(m.paths[i]!, value);
    }
    if (progress >= 1) this.morph = null;
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
