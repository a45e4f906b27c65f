import { createFrame, type Frame } from '../../core/frame.js';

/** A frame filled by a function of (x, y) -> [r, g, b, a]. */
export function frameFrom(width: number, height: number, fill: (x: number, y: number) => [number, number, number, number]): Frame {
  const frame = createFrame(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = fill(x, y);
      frame.data.set([r, g, b, a], (y * width + x) * 4);
    }
  }
  return frame;
}

/** Deterministic noise frame (xorshift), so failures reproduce. */
export function noiseFrame(width: number, height: number, seed = 1, alpha?: number): Frame {
  const frame = createFrame(width, height);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < frame.data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    frame.data[i] = (i & 3) === 3 && alpha !== undefined ? alpha : s & 255;
  }
  return frame;
}

export function pixel(frame: Frame, x: number, y: number): number[] {
  const o = (y * frame.width + x) * 4;
  return [...frame.data.subarray(o, o + 4)];
}

export function countDifferentBytes(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
