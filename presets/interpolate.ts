import { parseHexColor } from '../core/color.js';
import { oklabToRgb, rgbToOklab } from '../core/oklab.js';
import type { ParamInfo } from '../core/params.js';
import type { Easing } from './preset.js';

export function ease(curve: Easing, t: number): number {
  const x = t < 0 ? 0 : t > 1 ? 1 : t;
  switch (curve) {
    case 'linear':
      return x;
    case 'ease-in':
      return x * x;
    case 'ease-out':
      return 1 - (1 - x) * (1 - x);
    case 'ease-in-out':
      return x * x * (3 - 2 * x);
  }
}

/**
 * A parameter's value part-way between two values: numbers along the line (angles the short way
 * round), colours through OKLab, switches and choices flipping at `switchPoint` (0, 0.5 or 1 of the way).
 */
export function interpolate(info: ParamInfo, from: unknown, to: unknown, eased: number, progress: number, switchPoint: number): unknown {
  switch (info.kind) {
    case 'number':
    case 'integer': {
      if (typeof from !== 'number' || typeof to !== 'number') return progress >= switchPoint ? to : from;
      let delta = to - from;
      if (info.unit === 'degrees') delta = ((((delta % 360) + 540) % 360) - 180);
      let v = from + delta * eased;
      if (info.unit === 'degrees' && info.min !== undefined && info.max !== undefined && info.max - info.min >= 360) {
        while (v > info.max) v -= 360;
        while (v < info.min) v += 360;
      }
      return info.kind === 'integer' ? Math.round(v) : v;
    }
    case 'color': {
      if (typeof from !== 'string' || typeof to !== 'string') return progress >= switchPoint ? to : from;
      const a = lab(from);
      const b = lab(to);
      const [r, g, bl] = oklabToRgb([a[0] + (b[0] - a[0]) * eased, a[1] + (b[1] - a[1]) * eased, a[2] + (b[2] - a[2]) * eased]);
      return `#${((1 << 24) | (r << 16) | (g << 8) | bl).toString(16).slice(1)}`;
    }
    case 'boolean':
    case 'enum':
    case 'string':
      return progress >= switchPoint || progress >= 1 ? to : from;
  }
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
