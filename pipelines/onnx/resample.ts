import { KERNEL_MIN_BYTES, resampleKernel, type ResampleTables } from '../../core/blend-kernel.js';
import { lerpWord } from '../../core/packed-pixels.js';
import type { Placement } from './placement.js';

/**
 * Bilinear resample of packed RGBA through a mapping (dst x -> src x = x * scaleX + offsetX, in pixel
 * edges). Separable: each source row needed is scaled horizontally once into a row buffer (cached while
 * consecutive output rows use it), then output rows blend two such rows — about half the work of
 * blending four pixels per output pixel. Destination pixels that map outside the source are left as
 * they are. `kernel: false` keeps it in JS (the kernel's reference, for tests).
 */
export function resampleRgba(src: Uint8Array, sw: number, sh: number, dst: Uint8Array, dw: number, dh: number, map: Placement, options: { kernel?: boolean } = {}): void {
  const t = tables(dw);
  let xFrom = dw;
  let xTo = -1;
  for (let x = 0; x < dw; x++) {
    const fx = (x + 0.5) * map.scaleX + map.offsetX - 0.5;
    if (fx < -0.5 || fx > sw - 0.5) continue;
    xFrom = Math.min(xFrom, x);
    xTo = Math.max(xTo, x);
    const sx = Math.min(sw - 1, Math.max(0, fx));
    t.x0[x] = Math.floor(sx);
    t.x1[x] = Math.min(sw - 1, t.x0[x]! + 1);
    t.wx[x] = Math.round((sx - t.x0[x]!) * 256);
  }
  if (xTo < 0) return;
  const ys = rowTable(dh);
  for (let y = 0; y < dh; y++) {
    const fy = (y + 0.5) * map.scaleY + map.offsetY - 0.5;
    if (fy < -0.5 || fy > sh - 0.5) {
      ys[y * 3] = -1;
      continue;
    }
    const sy = Math.min(sh - 1, Math.max(0, fy));
    const y0 = Math.floor(sy);
    ys[y * 3] = y0;
    ys[y * 3 + 1] = Math.min(sh - 1, y0 + 1);
    ys[y * 3 + 2] = Math.round((sy - y0) * 256);
  }
  const placed = { x0: t.x0, x1: t.x1, wx: t.wx, ys, xFrom, xTo };
  // Frame-sized: the SIMD kernel, same steps and integers (the JS is its reference and fallback).
  const kernel = options.kernel !== false && dw * dh * 4 >= KERNEL_MIN_BYTES ? resampleKernel() : null;
  if (kernel) kernel.resample(src, sw, sh, dst, dw, dh, placed);
  else resampleInJs(src, sw, sh, dst, dw, dh, placed, t.rowA, t.rowB);
}

function resampleInJs(src: Uint8Array, sw: number, sh: number, dst: Uint8Array, dw: number, dh: number, t: ResampleTables, rowA: Int32Array, rowB: Int32Array): void {
  const s32 = new Int32Array(src.buffer, src.byteOffset, sw * sh);
  const d32 = new Int32Array(dst.buffer, dst.byteOffset, dw * dh);
  const { ys, xFrom, xTo } = t;
  let inA = -1;
  let inB = -1;
  let bufA = rowA;
  let bufB = rowB;
  const scaleRow = (row: number, into: Int32Array): void => {
    const r = row * sw;
    for (let x = xFrom; x <= xTo; x++) into[x] = lerpWord(s32[r + t.x0[x]!]!, s32[r + t.x1[x]!]!, t.wx[x]!);
  };
  for (let y = 0; y < dh; y++) {
    const y0 = ys[y * 3]!;
    if (y0 < 0) continue;
    const y1 = ys[y * 3 + 1]!;
    const wy = ys[y * 3 + 2]!;
    if (y0 !== inA) {
      if (y0 === inB) {
        [bufA, bufB] = [bufB, bufA];
        inB = inA;
      } else {
        scaleRow(y0, bufA);
      }
      inA = y0;
    }
    if (y1 !== inB) {
      scaleRow(y1, bufB);
      inB = y1;
    }
    const o = y * dw;
    if (wy === 0) d32.set(bufA.subarray(xFrom, xTo + 1), o + xFrom);
    else for (let x = xFrom; x <= xTo; x++) d32[o + x] = lerpWord(bufA[x]!, bufB[x]!, wy);
  }
}

const rowTables = new Map<number, Int32Array>();

/** y0, y1, wy per output row (y0 -1: outside the source), reused per height. */
function rowTable(dh: number): Int32Array {
  let table = rowTables.get(dh);
  if (!table) {
    if (rowTables.size > 8) rowTables.clear();
    table = new Int32Array(dh * 3);
    rowTables.set(dh, table);
  }
  return table;
}

const tableCache = new Map<number, { x0: Int32Array; x1: Int32Array; wx: Int32Array; rowA: Int32Array; rowB: Int32Array }>();

function tables(dw: number) {
  let t = tableCache.get(dw);
  if (!t) {
    if (tableCache.size > 8) tableCache.clear();
    t = { x0: new Int32Array(dw), x1: new Int32Array(dw), wx: new Int32Array(dw), rowA: new Int32Array(dw), rowB: new Int32Array(dw) };
    tableCache.set(dw, t);
  }
  return t;
}
