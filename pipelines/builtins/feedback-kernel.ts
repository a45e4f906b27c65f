import { hueRotationMatrix } from '../../core/color.js';
import { lerpWord, scaleWord } from '../../core/packed-pixels.js';
import type { Frame } from '../../core/frame.js';
import type { FeedbackParams } from './feedback-params.js';

export const KEY_NONE = 0;
export const KEY_ALPHA = 1;
export const KEY_LUMA = 2;

/** Per-frame constants of the feedback pass, in the integer forms both kernels use. */
export interface FeedbackTransform {
  ox: number;
  oy: number;
  cos: number;
  sin: number;
  stepX: number;
  stepY: number;
  useHue: boolean;
  /** Hue rotation matrix, 10-bit fixed point, row-major. */
  hue: Int32Array;
  /** 0..256 */
  keep: number;
  /** 0..256 */
  mix: number;
  key: number;
}

const hueScratch = new Float64Array(9);

export function feedbackTransform(p: FeedbackParams, width: number, height: number, out: FeedbackTransform): FeedbackTransform {
  // Inverse mapping: for each output pixel, where to read in the previous frame.
  const rad = (p.rotation * Math.PI) / 180;
  const cos = Math.cos(rad) / p.zoom;
  const sin = Math.sin(rad) / p.zoom;
  // Pixel centres sit at index + 0.5, so the frame's middle is at (width - 1) / 2 in index space.
  const cx = p.centerX * width - 0.5;
  const cy = p.centerY * height - 0.5;
  // sx = cx + cos*(x - cx - tx) + sin*(y - cy - ty); sy = cy - sin*(x - cx - tx) + cos*(y - cy - ty)
  out.ox = cx - cx * cos - cy * sin - p.translateX * cos - p.translateY * sin;
  out.oy = cy + cx * sin - cy * cos + p.translateX * sin - p.translateY * cos;
  out.cos = cos;
  out.sin = sin;
  // 16.16 fixed point keeps the inner loop in integer arithmetic; the step's rounding drifts
  // < 0.02 px across a 4K row, and whole-pixel positions stay exact.
  out.stepX = Math.round(cos * 65536);
  out.stepY = Math.round(-sin * 65536);
  const turns = p.hueShift / 360;
  out.useHue = turns !== Math.round(turns);
  if (out.useHue) {
    hueRotationMatrix(p.hueShift, hueScratch);
    for (let i = 0; i < 9; i++) out.hue[i] = Math.round(hueScratch[i]! * 1024);
  }
  out.keep = Math.round((1 - p.decay) * 256);
  out.mix = Math.round(p.mix * 256);
  out.key = p.key === 'alpha' ? KEY_ALPHA : p.key === 'luma' ? KEY_LUMA : KEY_NONE;
  return out;
}

export function newFeedbackTransform(): FeedbackTransform {
  return { ox: 0, oy: 0, cos: 1, sin: 0, stepX: 65536, stepY: 0, useHue: false, hue: new Int32Array(9), keep: 256, mix: 256, key: KEY_NONE };
}


/**
 * The reference kernel in plain JS: one pass over the pixels (sample, hue-rotate, decay, key, blend),
 * all in integer arithmetic on packed words, so whole-pixel moves, zero decay and equal inputs stay
 * exact. The WebAssembly kernel must match it bit for bit; it also serves where WebAssembly SIMD is missing.
 */
export function renderFeedbackJs(input: Frame, prev: Frame, out: Frame, t: FeedbackTransform): void {
  const { width, height } = input;
  // Whole pixels as little-endian words (R in the low byte): one load per neighbour instead of four.
  const src = words(prev.data);
  const inp = words(input.data);
  const dst = words(out.data);
  const { ox, oy, cos, sin, stepX, stepY, useHue, keep, mix, key } = t;
  const h = t.hue;
  const h0 = h[0]!, h1 = h[1]!, h2 = h[2]!, h3 = h[3]!, h4 = h[4]!, h5 = h[5]!, h6 = h[6]!, h7 = h[7]!, h8 = h[8]!;
  const maxX = width - 1;
  const maxY = height - 1;

  for (let y = 0; y < height; y++) {
    let sx = Math.round((ox + sin * y) * 65536);
    let sy = Math.round((oy + cos * y) * 65536);
    let o = y * width;
    for (let x = 0; x < width; x++, o++, sx += stepX, sy += stepY) {
      const x0 = sx >> 16;
      const y0 = sy >> 16;
      let fed = 0;
      if (x0 >= 0 && x0 < maxX && y0 >= 0 && y0 < maxY) {
        const wx = (sx >> 8) & 0xff;
        const i = y0 * width + x0;
        fed = lerpWord(lerpWord(src[i]!, src[i + 1]!, wx), lerpWord(src[i + width]!, src[i + width + 1]!, wx), (sy >> 8) & 0xff);
      } else if (x0 >= -1 && x0 <= maxX && y0 >= -1 && y0 <= maxY) {
        fed = sampleEdge(src, width, height, sx, sy);
      }
      if (useHue) fed = rotateHue(fed, h0, h1, h2, h3, h4, h5, h6, h7, h8);
      if (keep !== 256) fed = scaleWord(fed, keep);

      const pin = inp[o]!;
      if (key === KEY_NONE) {
        dst[o] = lerpWord(pin, fed, mix);
      } else if (key === KEY_ALPHA) {
        const ia = pin >>> 24;
        const k = (Math.imul(mix, 255 - ia) * 257 + 32768) >> 16;
        // Input over the fed-back image: alpha builds up the way layered paint does.
        const outA = Math.min(255, ia + ((Math.imul(fed >>> 24, k) + 128) >> 8));
        dst[o] = (lerpWord(pin, fed, k) & 0x00ffffff) | (outA << 24);
      } else {
        const luma = (Math.imul(pin & 255, 54) + Math.imul((pin >>> 8) & 255, 183) + Math.imul((pin >>> 16) & 255, 19)) >> 8;
        const k = (Math.imul(mix, 255 - luma) * 257 + 32768) >> 16;
        dst[o] = lerpWord(pin, fed, k);
      }
    }
  }
}

/** Bilinear sample where some neighbours fall outside the frame (they count as transparent black). */
function sampleEdge(src: Int32Array, width: number, height: number, sx: number, sy: number): number {
  const x0 = sx >> 16, y0 = sy >> 16, wx = (sx >> 8) & 0xff, wy = (sy >> 8) & 0xff;
  const at = (x: number, y: number): number => (x >= 0 && x < width && y >= 0 && y < height ? src[y * width + x]! : 0);
  return lerpWord(lerpWord(at(x0, y0), at(x0 + 1, y0), wx), lerpWord(at(x0, y0 + 1), at(x0 + 1, y0 + 1), wx), wy);
}

function rotateHue(word: number, h0: number, h1: number, h2: number, h3: number, h4: number, h5: number, h6: number, h7: number, h8: number): number {
  const r = word & 255, g = (word >>> 8) & 255, b = (word >>> 16) & 255;
  const nr = (h0 * r + h1 * g + h2 * b + 512) >> 10;
  const ng = (h3 * r + h4 * g + h5 * b + 512) >> 10;
  const nb = (h6 * r + h7 * g + h8 * b + 512) >> 10;
  return (word & 0xff000000) | clampByte(nr) | (clampByte(ng) << 8) | (clampByte(nb) << 16);
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

// Signed words keep every value a small integer for the JIT (an unsigned store of >= 2^31 would box it).
function words(data: Uint8Array): Int32Array {
  return new Int32Array(data.buffer, data.byteOffset, data.byteLength >> 2);
}
