import { parseHexColor } from '../core/color.js';
import { COLOR } from '../core/limits.js';
import { oklabToRgb, rgbToOklab } from '../core/oklab.js';
import type { ParamInfo, ParamKind } from '../core/params.js';

/**
 * Every parameter kind declared once, in the way Theatre.js declares a prop type: how an outside value
 * is coerced into it, how OSC names and carries it, how OSCQuery describes it, and how a morph goes
 * from one value to another. The address space, the OSC thread and its feedback, OSCQuery and presets
 * all read this table instead of switching on the kind themselves.
 */
export type Coerced = { ok: true; value: unknown; clamped: boolean } | { ok: false; message: string };

export interface ParamKindSpec {
  /** An outside value (OSC, a surface, a preset, a route's base) in the parameter's own type and range. */
  coerce(info: ParamInfo, raw: unknown): Coerced;
  /** The OSC type tags OSCQuery advertises for it (one per argument). */
  oscType(info: ParamInfo): string;
  /** How many OSC arguments one value takes (a vector: one per component). */
  oscArity(info: ParamInfo): number;
  /** How it is sent to OSC surfaces (feedback, LISTEN): node-osc's tag and the value as sent, per argument. */
  oscArguments(info: ParamInfo, value: unknown): { type: string; value: unknown }[];
  /**
   * How the OSC thread hands a coerced value to the frame loop through the numeric mailbox, and back;
   * null for text, which travels by message instead.
   */
  toMailbox(info: ParamInfo, value: unknown): number | null;
  fromMailbox(info: ParamInfo, value: number): unknown;
  /** OSCQuery's RANGE, where the kind has one. */
  range(info: ParamInfo): ({ MIN?: number; MAX?: number } | { VALS: unknown[] })[] | undefined;
  /** A value part-way from `from` to `to` (eased 0..1); kinds that cannot blend switch at `switchPoint`. */
  interpolate(info: ParamInfo, from: unknown, to: unknown, eased: number, progress: number, switchPoint: number): unknown;
  /**
   * What MIDI learn makes of a control moved for it: a route sweeping the range (a knob on a number),
   * a toggle, a choice stepping through the options; null when a control cannot drive it.
   */
  midiLearn: 'route' | 'toggle' | 'select' | null;
  /** The value as a control position 0..1, for motorised faders and LED rings (MIDI feedback); null when none. */
  controlPosition(info: ParamInfo, value: unknown): number | null;
  /** The control a surface draws for it. */
  control: ControlKind;
}

/** The controls a surface knows how to draw. */
export type ControlKind = 'fader' | 'toggle' | 'choice' | 'colour' | 'text' | 'xy';

const switchAt = (from: unknown, to: unknown, progress: number, switchPoint: number): unknown => (progress >= switchPoint || progress >= 1 ? to : from);

const numeric = (integer: boolean): ParamKindSpec => ({
  coerce(info, raw) {
    const n = typeof raw === 'number' ? raw : typeof raw === 'boolean' ? Number(raw) : NaN;
    if (!Number.isFinite(n)) return { ok: false, message: `expected a finite number, got ${show(raw)}` };
    let v = integer ? Math.round(n) : n;
    const lo = info.min ?? -Infinity;
    const hi = info.max ?? Infinity;
    const clamped = v < lo || v > hi;
    v = Math.min(hi, Math.max(lo, v));
    return { ok: true, value: v, clamped };
  },
  oscType: () => (integer ? 'i' : 'f'),
  oscArity: one,
  oscArguments: (_info, value) => [{ type: integer ? 'i' : 'f', value: Number(value) }],
  toMailbox: (_info, value) => value as number,
  fromMailbox: (_info, value) => value,
  range: (info) => [{ MIN: info.min, MAX: info.max }],
  interpolate(info, from, to, eased, progress, switchPoint) {
    if (typeof from !== 'number' || typeof to !== 'number') return switchAt(from, to, progress, switchPoint);
    let delta = to - from;
    // Angles go the short way round.
    if (info.unit === 'degrees') delta = (((delta % 360) + 540) % 360) - 180;
    let v = from + delta * eased;
    if (info.unit === 'degrees' && info.min !== undefined && info.max !== undefined && info.max - info.min >= 360) {
      while (v > info.max) v -= 360;
      while (v < info.min) v += 360;
    }
    return integer ? Math.round(v) : v;
  },
  midiLearn: 'route',
  control: 'fader',
  controlPosition(info, value) {
    const { min = 0, max = 1 } = info;
    return typeof value === 'number' && max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : null;
  },
});

export const paramKinds: Record<ParamKind, ParamKindSpec> = {
  number: numeric(false),
  integer: numeric(true),
  boolean: {
    coerce(_info, raw) {
      if (typeof raw === 'boolean') return { ok: true, value: raw, clamped: false };
      if (raw === 0 || raw === 1) return { ok: true, value: raw === 1, clamped: false };
      return { ok: false, message: `expected true/false or 0/1, got ${show(raw)}` };
    },
    oscType: () => 'T',
    oscArity: one,
    oscArguments: (_info, value) => [{ type: 'boolean', value: Boolean(value) }],
    toMailbox: (_info, value) => (value ? 1 : 0),
    fromMailbox: (_info, value) => value !== 0,
    range: () => undefined,
    interpolate: (_info, from, to, _eased, progress, switchPoint) => switchAt(from, to, progress, switchPoint),
    midiLearn: 'toggle',
    control: 'toggle',
    controlPosition: (_info, value) => (value ? 1 : 0),
  },
  enum: {
    coerce(info, raw) {
      const options = info.options ?? [];
      if (typeof raw === 'string' && options.includes(raw)) return { ok: true, value: raw, clamped: false };
      if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < options.length) return { ok: true, value: options[raw], clamped: false };
      return { ok: false, message: `expected one of ${options.join(', ')} (or its index), got ${show(raw)}` };
    },
    oscType: () => 's',
    oscArity: one,
    oscArguments: (_info, value) => [{ type: 's', value: String(value) }],
    toMailbox: (info, value) => (info.options ?? []).indexOf(value as string),
    fromMailbox: (info, value) => info.options?.[value],
    range: (info) => [{ VALS: info.options ?? [] }],
    interpolate: (_info, from, to, _eased, progress, switchPoint) => switchAt(from, to, progress, switchPoint),
    midiLearn: 'select',
    control: 'choice',
    controlPosition(info, value) {
      const options = info.options ?? [];
      return options.length > 1 ? options.indexOf(String(value)) / (options.length - 1) : 0;
    },
  },
  color: {
    coerce(_info, raw) {
      if (typeof raw === 'string' && COLOR.test(raw)) return { ok: true, value: raw.toLowerCase(), clamped: false };
      return { ok: false, message: `expected a colour "#rrggbb", got ${show(raw)}` };
    },
    oscType: () => 'r',
    oscArity: one,
    // node-osc cannot write `r`: surfaces get the "#rrggbb" text, which they all read.
    oscArguments: (_info, value) => [{ type: 's', value: String(value) }],
    toMailbox: (_info, value) => parseInt((value as string).slice(1), 16),
    fromMailbox: (_info, value) => `#${value.toString(16).padStart(6, '0')}`,
    range: () => undefined,
    interpolate(_info, from, to, eased, progress, switchPoint) {
      // Through OKLab: a fade between two colours keeps its brightness even.
      if (typeof from !== 'string' || typeof to !== 'string') return switchAt(from, to, progress, switchPoint);
      const a = lab(from);
      const b = lab(to);
      const [r, g, bl] = oklabToRgb([a[0] + (b[0] - a[0]) * eased, a[1] + (b[1] - a[1]) * eased, a[2] + (b[2] - a[2]) * eased]);
      return `#${((1 << 24) | (r << 16) | (g << 8) | bl).toString(16).slice(1)}`;
    },
    midiLearn: null,
    control: 'colour',
    controlPosition: () => null,
  },
  string: {
    coerce(info, raw) {
      if (typeof raw !== 'string' || raw.length > (info.maxLength ?? 10_000)) return { ok: false, message: `expected a string of at most ${info.maxLength ?? 10_000} characters, got ${show(raw)}` };
      if (info.pattern && !new RegExp(info.pattern).test(raw)) return { ok: false, message: `${show(raw)} is not allowed here` };
      return { ok: true, value: raw, clamped: false };
    },
    oscType: () => 's',
    oscArity: one,
    oscArguments: (_info, value) => [{ type: 's', value: String(value) }],
    toMailbox: () => null,
    fromMailbox: (_info, value) => value,
    range: () => undefined,
    interpolate: (_info, from, to, _eased, progress, switchPoint) => switchAt(from, to, progress, switchPoint),
    midiLearn: null,
    control: 'text',
    controlPosition: () => null,
  },
  vector: {
    coerce(info, raw) {
      const size = info.size ?? 2;
      if (!Array.isArray(raw) || raw.length !== size || !raw.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        return { ok: false, message: `expected ${size} finite numbers, got ${Array.isArray(raw) ? `[${raw.map(show).join(', ')}]` : show(raw)}` };
      }
      const lo = info.min ?? -Infinity;
      const hi = info.max ?? Infinity;
      const value = (raw as number[]).map((v) => Math.min(hi, Math.max(lo, v)));
      return { ok: true, value, clamped: value.some((v, i) => v !== raw[i]) };
    },
    oscType: (info) => 'f'.repeat(info.size ?? 2),
    oscArity: (info) => info.size ?? 2,
    oscArguments: (_info, value) => (value as number[]).map((v) => ({ type: 'f', value: v })),
    // Several numbers do not fit one mailbox slot: a vector travels by message, as text does.
    toMailbox: () => null,
    fromMailbox: (_info, value) => value,
    range: (info) => Array.from({ length: info.size ?? 2 }, () => ({ MIN: info.min, MAX: info.max })),
    interpolate(_info, from, to, eased, progress, switchPoint) {
      if (!Array.isArray(from) || !Array.isArray(to) || from.length !== to.length) return switchAt(from, to, progress, switchPoint);
      return (from as number[]).map((a, i) => a + ((to as number[])[i]! - a) * eased);
    },
    // A knob drives one number: map each axis to a component's own route instead.
    midiLearn: null,
    control: 'xy',
    controlPosition: () => null,
  },
};

/** Kinds whose value is one OSC argument. */
function one(): number {
  return 1;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  return typeof value;
}

// A morph converts the same two colours every frame: remember the last few conversions.
const labCache = new Map<string, [number, number, number]>();
function lab(hex: string): [number, number, number] {
  let v = labCache.get(hex);
  if (!v) {
    if (labCache.size > 1024) labCache.clear();
    v = rgbToOklab(parseHexColor(hex));
    labCache.set(hex, v);
  }
  return v;
}
