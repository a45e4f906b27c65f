import { COLOR } from './limits.js';

/** "#rrggbb" -> [r, g, b]; black when malformed (inputs are validated earlier; this never throws on the hot path). */
export function parseHexColor(hex: string): [number, number, number] {
  if (!COLOR.test(hex)) return [0, 0, 0];
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/**
 * Row-major 3x3 matrix that rotates hue by `degrees` while keeping luminance (the SVG/CSS hue-rotate matrix).
 * Written into `out` to avoid allocating per frame.
 */
export function hueRotationMatrix(degrees: number, out: Float64Array): Float64Array {
  const rad = (degrees * Math.PI) / 180;
  const c = Math.cos(rad);
  const s = Math.sin(rad);
  out[0] = 0.213 + c * 0.787 - s * 0.213;
  out[1] = 0.715 - c * 0.715 - s * 0.715;
  out[2] = 0.072 - c * 0.072 + s * 0.928;
  out[3] = 0.213 - c * 0.213 + s * 0.143;
  out[4] = 0.715 + c * 0.285 + s * 0.14;
  out[5] = 0.072 - c * 0.072 - s * 0.283;
  out[6] = 0.213 - c * 0.213 - s * 0.787;
  out[7] = 0.715 - c * 0.715 + s * 0.715;
  out[8] = 0.072 + c * 0.928 + s * 0.072;
  return out;
}

/** HSV (h in degrees, s and v 0..1) -> RGB 0..255, into `out` (a frame's colour allocates nothing). */
export function hsvToRgb(h: number, s: number, v: number, out: [number, number, number] = [0, 0, 0]): [number, number, number] {
  const hh = (((h % 360) + 360) % 360) / 60;
  const i = Math.floor(hh);
  const f = hh - i;
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  const r = i === 0 || i === 5 ? v : i === 1 ? q : i === 4 ? t : p;
  const g = i === 1 || i === 2 ? v : i === 0 ? t : i === 3 ? q : p;
  const b = i === 3 || i === 4 ? v : i === 2 ? t : i === 5 ? q : p;
  out[0] = Math.round(r * 255);
  out[1] = Math.round(g * 255);
  out[2] = Math.round(b * 255);
  return out;
}
