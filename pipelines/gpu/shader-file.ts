import type { TObject, TSchema } from '@sinclair/typebox';
import { Param } from '../../core/params.js';
import { Units, type Unit } from '../../core/units.js';

/**
 * A shader effect's file: WGSL with a JSON header in its leading comment, modelled on ISF's so an ISF
 * author knows it (NAME, DESCRIPTION, CATEGORIES, INPUTS with NAME, TYPE, MIN, MAX, DEFAULT, LABEL;
 * lower-case keys work too). Input types: float, long / int (with "values" and "labels": a choice), bool,
 * event, color, point2D. Extra keys: "passes" (run the shader that many times, PASS_INDEX telling which),
 * "unit" and "scale" on an input, and "identity" (the input values that leave the picture alone).
 */
export interface ShaderFile {
  id: string;
  name: string;
  description: string;
  categories: string[];
  passes: number;
  params: TObject;
  identity: Record<string, unknown>;
  /** The WGSL after the header (the header's lines kept as blank lines, so line numbers match the file). */
  code: string;
}

export class ShaderHeaderError extends Error {}

const HEADER = /^\s*\/\*([\s\S]*?)\*\//;

type Json = Record<string, unknown>;

function pick(o: Json, key: string): unknown {
  return o[key] ?? o[key.toUpperCase()];
}

export function parseShaderFile(id: string, text: string): ShaderFile {
  const match = HEADER.exec(text);
  if (!match) throw new ShaderHeaderError(`${id}: no JSON header: the file must start with /*{ "name": ..., "inputs": [...] }*/`);
  let header: Json;
  try {
    header = JSON.parse(match[1]!) as Json;
  } catch (error) {
    throw new ShaderHeaderError(`${id}: the header is not JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new ShaderHeaderError(`${id}: the header must be a JSON object`);
  const inputs = pick(header, 'inputs') ?? [];
  if (!Array.isArray(inputs)) throw new ShaderHeaderError(`${id}: "inputs" must be a list`);
  const properties: Record<string, TSchema> = {};
  for (const [i, input] of inputs.entries()) {
    const schema = inputSchema(id, i, input as Json);
    properties[String(pick(input as Json, 'name'))] = schema;
  }
  const passes = pick(header, 'passes') ?? 1;
  const categories = pick(header, 'categories') ?? [];
  const identity = header.identity ?? {};
  // Blank lines where the header was: an error's line number is the file's.
  const code = text.slice(0, match[0].length).replace(/[^\n]/g, '') + text.slice(match[0].length);
  return {
    id,
    name: typeof pick(header, 'name') === 'string' ? String(pick(header, 'name')) : id,
    description: typeof pick(header, 'description') === 'string' ? String(pick(header, 'description')) : '',
    categories: Array.isArray(categories) ? categories.map(String) : [],
    passes: typeof passes === 'number' ? passes : Number.NaN,
    params: Param.object(properties),
    identity: typeof identity === 'object' && identity !== null ? (identity as Record<string, unknown>) : {},
    code,
  };
}

function inputSchema(id: string, i: number, input: Json): TSchema {
  const name = pick(input, 'name');
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name)) throw new ShaderHeaderError(`${id}: inputs[${i}].name must be letters, digits or "_"`);
  const declared = pick(input, 'type') ?? 'float';
  if (typeof declared !== 'string') throw new ShaderHeaderError(`${id}: inputs[${i}].type must be a name`);
  const type = declared.toLowerCase();
  const label = typeof pick(input, 'label') === 'string' ? String(pick(input, 'label')) : name;
  const unit = pick(input, 'unit');
  const description = {
    ...(typeof pick(input, 'description') === 'string' ? { description: String(pick(input, 'description')) } : {}),
    ...(Units.includes(unit as Unit) ? { unit: unit as Unit } : {}),
  };
  const where = `${id}: input "${name}"`;
  const num = (key: string, fallback: number): number => {
    const v = pick(input, key) ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ShaderHeaderError(`${where}: ${key} must be a number`);
    return v;
  };
  switch (type) {
    case 'float': {
      const min = num('min', 0);
      const max = num('max', 1);
      if (!(max > min)) throw new ShaderHeaderError(`${where}: max must be above min`);
      const scale = pick(input, 'scale') === 'log' && min > 0 ? { ui: { scale: 'log' as const } } : {};
      return Param.number({ label, ...description, ...scale, min, max, default: clampDefault(where, num('default', min), min, max) });
    }
    case 'long':
    case 'int': {
      const values = pick(input, 'values');
      const labels = pick(input, 'labels');
      if (Array.isArray(labels) && labels.length > 0) {
        const options = labels.map(String) as [string, ...string[]];
        const at = Array.isArray(values) ? values.indexOf(pick(input, 'default')) : Number(pick(input, 'default') ?? 0);
        return Param.enum({ label, ...description, options, default: options[Math.max(0, at)] ?? options[0] });
      }
      const min = num('min', 0);
      const max = num('max', 10);
      return Param.integer({ label, ...description, min, max, default: clampDefault(where, num('default', min), min, max) });
    }
    case 'bool':
    case 'event':
      return Param.boolean({ label, ...description, default: pick(input, 'default') === true });
    case 'color':
      return Param.color({ label, ...description, default: colorDefault(where, pick(input, 'default')) });
    case 'point2d': {
      const d = pick(input, 'default') ?? [0.5, 0.5];
      const min = Array.isArray(pick(input, 'min')) ? Math.min(...(pick(input, 'min') as number[])) : num('min', 0);
      const max = Array.isArray(pick(input, 'max')) ? Math.max(...(pick(input, 'max') as number[])) : num('max', 1);
      if (!Array.isArray(d) || d.length !== 2 || !d.every((v) => typeof v === 'number')) throw new ShaderHeaderError(`${where}: default must be [x, y]`);
      return Param.vector({ label, ...description, min, max, default: d });
    }
    default:
      throw new ShaderHeaderError(`${where}: type "${type}" is not one of float, long, bool, event, color, point2D`);
  }
}

function clampDefault(where: string, v: number, min: number, max: number): number {
  if (v < min || v > max) throw new ShaderHeaderError(`${where}: default ${v} is outside ${min}..${max}`);
  return v;
}

/** "#rrggbb", or ISF's [r, g, b, a] in 0..1. */
function colorDefault(where: string, v: unknown): string {
  if (v === undefined) return '#ffffff';
  if (typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v)) return v.toLowerCase();
  if (Array.isArray(v) && v.length >= 3 && v.every((c) => typeof c === 'number')) {
    return `#${v.slice(0, 3).map((c) => Math.round(Math.min(1, Math.max(0, c)) * 255).toString(16).padStart(2, '0')).join('')}`;
  }
  throw new ShaderHeaderError(`${where}: a colour default is "#rrggbb" or [r, g, b, a]`);
}
