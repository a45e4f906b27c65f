import { Type, type Static, type TObject, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { Unit } from './units.js';
import { COLOR_PATTERN } from './limits.js';

/**
 * Parameter declaration helpers. A pipeline declares each parameter once with these; the TS type,
 * show-file validation, clamping, the address space, the UI, OSC, OSCQuery and presets all derive from it.
 */
export interface ParamMeta {
  description?: string;
  label?: string;
  unit?: Unit;
  /** false = a load-time option (changing it re-creates the pipeline); default true. */
  live?: boolean;
  /** Whether modulation routes may target it; default true for numbers. */
  modulatable?: boolean;
  /** How a surface draws it, where its kind's own control needs a hint. */
  ui?: UiHints;
}

/** Drawing hints, declared with the parameter instead of guessed from its name. */
export interface UiHints {
  /** On the X parameter of a pair: drawn on one XY pad with this one (the Y axis). */
  padWith?: string;
  /** The range a performer plays (the fader's and pad's travel); the full range still applies from OSC, MIDI and routes. */
  soft?: { min: number; max: number };
  /** The fader's travel: linear, or log (each step the same ratio: zoom, frequencies). */
  scale?: 'linear' | 'log';
}

interface NumberOptions extends ParamMeta {
  default: number;
  min: number;
  max: number;
  step?: number;
}

export const Param = {
  number(o: NumberOptions) {
    return Type.Number({ ...meta(o), default: o.default, minimum: o.min, maximum: o.max, ...(o.step ? { step: o.step } : {}) });
  },
  integer(o: NumberOptions) {
    return Type.Integer({ ...meta(o), default: o.default, minimum: o.min, maximum: o.max });
  },
  boolean(o: ParamMeta & { default: boolean }) {
    return Type.Boolean({ ...meta(o), default: o.default });
  },
  /** A choice among names; stored and sent as the name, accepted as name or index at the edges. */
  enum<const T extends readonly [string, ...string[]]>(o: ParamMeta & { options: T; default: T[number] }): TUnsafe<T[number]> {
    return Type.Unsafe<T[number]>({ ...meta(o), type: 'string', enum: [...o.options], default: o.default });
  },
  /**
   * A point or a direction: 2 to 4 numbers sharing one range (a centre, an offset), drawn as an XY pad
   * and sent over OSC as that many floats in one message.
   */
  vector(o: ParamMeta & { default: number[]; min: number; max: number }) {
    const size = o.default.length;
    if (size < 2 || size > 4) throw new Error(`a vector parameter has 2 to 4 components, not ${size}`);
    return Type.Array(Type.Number({ minimum: o.min, maximum: o.max }), { ...meta(o), default: o.default, minItems: size, maxItems: size });
  },
  /** A colour as "#rrggbb". */
  color(o: ParamMeta & { default: string }) {
    return Type.String({ ...meta(o), default: o.default, pattern: COLOR_PATTERN, format: 'color' });
  },
  object<T extends TProperties>(properties: T): TObject<T> {
    return Type.Object(properties, { additionalProperties: false });
  },
};

function meta(o: ParamMeta): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (o.description !== undefined) out.description = o.description;
  if (o.label !== undefined) out.label = o.label;
  if (o.unit !== undefined) out.unit = o.unit;
  if (o.live !== undefined) out.live = o.live;
  if (o.modulatable !== undefined) out.modulatable = o.modulatable;
  if (o.ui !== undefined) out.ui = o.ui;
  return out;
}

export type ParamValues<S extends TSchema> = Static<S>;

export type ParamKind = 'number' | 'integer' | 'boolean' | 'enum' | 'color' | 'string' | 'vector';

/** One parameter as the address space sees it, read off a schema. */
export interface ParamInfo {
  name: string;
  kind: ParamKind;
  default: unknown;
  min?: number;
  max?: number;
  step?: number;
  options?: string[];
  /** Vectors: how many components (each in min..max). */
  size?: number;
  /** Strings: the longest allowed, and a pattern they must match. */
  maxLength?: number;
  pattern?: string;
  unit?: Unit;
  label?: string;
  description?: string;
  live: boolean;
  modulatable: boolean;
  ui?: UiHints;
}

/** Reads the parameters declared in an object schema (TypeBox or plain JSON Schema). */
export function describeParams(schema: TSchema): ParamInfo[] {
  const properties = (schema as { properties?: Record<string, Record<string, unknown>> }).properties ?? {};
  return Object.entries(properties).map(([name, s]) => describeParam(name, s));
}

function describeParam(name: string, s: Record<string, unknown>): ParamInfo {
  const kind = paramKind(s);
  const numeric = kind === 'number' || kind === 'integer';
  // A vector's range is its components'.
  const items = kind === 'vector' ? (s.items as Record<string, unknown>) : null;
  const info: ParamInfo = {
    name,
    kind,
    default: s.default,
    live: s.live !== false,
    modulatable: typeof s.modulatable === 'boolean' ? s.modulatable : numeric,
  };
  const ranged = items ?? s;
  if (typeof ranged.minimum === 'number') info.min = ranged.minimum;
  if (typeof ranged.maximum === 'number') info.max = ranged.maximum;
  if (items && typeof s.minItems === 'number') info.size = s.minItems;
  if (typeof s.step === 'number') info.step = s.step;
  if (Array.isArray(s.enum)) info.options = s.enum.map(String);
  if (typeof s.maxLength === 'number') info.maxLength = s.maxLength;
  if (typeof s.pattern === 'string' && s.format !== 'color') info.pattern = s.pattern;
  if (typeof s.unit === 'string') info.unit = s.unit as Unit;
  if (typeof s.label === 'string') info.label = s.label;
  if (typeof s.description === 'string') info.description = s.description;
  if (typeof s.ui === 'object' && s.ui !== null) info.ui = s.ui;
  return info;
}

function paramKind(s: Record<string, unknown>): ParamKind {
  if (Array.isArray(s.enum)) return 'enum';
  switch (s.type) {
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
    case 'boolean':
      return 'boolean';
    case 'string':
      return s.format === 'color' ? 'color' : 'string';
    case 'array':
      return (s.items as { type?: unknown } | undefined)?.type === 'number' && s.minItems === s.maxItems ? 'vector' : 'string';
    default:
      return 'string';
  }
}

/** The defaults of every declared parameter. */
export function defaultParams<S extends TSchema>(schema: S): Static<S> {
  const values: Record<string, unknown> = {};
  // Each instance its own copy of an array default (a vector), so no two share one.
  for (const p of describeParams(schema)) values[p.name] = Array.isArray(p.default) ? [...(p.default as unknown[])] : p.default;
  return values;
}
