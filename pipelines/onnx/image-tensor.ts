import { lerpWord } from '../../core/packed-pixels.js';
import type { Frame } from '../../core/frame.js';
import type { ImageInputSpec, ImageOutputSpec } from './manifest.js';

/** Value mapping 0..255 -> model range, per channel: v * scale + offset. */
function inputMapping(range: ImageInputSpec['range']): { scale: number[]; offset: number[] } {
  if (typeof range === 'object') return { scale: range.std.map((s) => 1 / (255 * s)), offset: range.mean.map((m, i) => -m / range.std[i]!) };
  switch (range) {
    case '0..1':
      return { scale: [1 / 255, 1 / 255, 1 / 255], offset: [0, 0, 0] };
    case '0..255':
      return { scale: [1, 1, 1], offset: [0, 0, 0] };
    default:
      return { scale: [2 / 255, 2 / 255, 2 / 255], offset: [-1, -1, -1] };
  }
}

/**
 * Frame (RGBA8, any size) -> image tensor (w x h, layout, channel order, range) in one pass over the
 * tensor's pixels, bilinear-sampled ("stretch"), into a reused buffer.
 */
export function frameToTensor(frame: Frame, spec: ImageInputSpec, w: number, h: number, out: Float32Array): void {
  const { scale, offset } = inputMapping(spec.range);
  const order = spec.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const src = frame.data;
  const fw = frame.width;
  const fh = frame.height;
  const plane = w * h;
  const nchw = spec.layout === 'NCHW';
  for (let y = 0; y < h; y++) {
    const sy = Math.min(fh - 1, Math.max(0, ((y + 0.5) * fh) / h - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(fh - 1, y0 + 1);
    const wy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(fw - 1, Math.max(0, ((x + 0.5) * fw) / w - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(fw - 1, x0 + 1);
      const wx = sx - x0;
      const i00 = (y0 * fw + x0) * 4, i10 = (y0 * fw + x1) * 4, i01 = (y1 * fw + x0) * 4, i11 = (y1 * fw + x1) * 4;
      const p = y * w + x;
      for (let c = 0; c < 3; c++) {
        const ch = order[c]!;
        const top = src[i00 + ch]! + (src[i10 + ch]! - src[i00 + ch]!) * wx;
        const bottom = src[i01 + ch]! + (src[i11 + ch]! - src[i01 + ch]!) * wx;
        const v = (top + (bottom - top) * wy) * scale[c]! + offset[c]!;
        if (nchw) out[c * plane + p] = v;
        else out[p * 3 + c] = v;
      }
    }
  }
}

/**
 * Image tensor -> frame (frame size, RGBA, opaque): first into an RGBA working image (clamped to the
 * range, scaled to 0..255), then a bilinear resize on packed pixels with 8-bit weights — a few ms for
 * 720p on the frame loop's thread instead of a per-channel float resample.
 */
export function tensorToFrame(data: Float32Array, dims: readonly number[], spec: ImageOutputSpec, out: Frame, scratch: { work: Uint8Array }): void {
  const nchw = spec.layout === 'NCHW';
  const h = nchw ? dims[2]! : dims[1]!;
  const w = nchw ? dims[3]! : dims[2]!;
  const plane = w * h;
  const [lo, hi] = spec.range === '0..1' ? [0, 1] : spec.range === '0..255' ? [0, 255] : [-1, 1];
  const k = 255 / (hi - lo);
  const order = spec.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  if (scratch.work.length !== plane * 4) scratch.work = new Uint8Array(plane * 4);
  const work = scratch.work;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = nchw ? data[c * plane + p]! : data[p * 3 + c]!;
      work[p * 4 + order[c]!] = ((v < lo ? lo : v > hi ? hi : v) - lo) * k + 0.5;
    }
    work[p * 4 + 3] = 255;
  }
  resizeRgba(work, w, h, out.data, out.width, out.height);
}

/** Bilinear resize of packed RGBA (pixel centres aligned), with per-column tables computed once per call. */
export function resizeRgba(src: Uint8Array, sw: number, sh: number, dst: Uint8Array, dw: number, dh: number): void {
  const s32 = new Int32Array(src.buffer, src.byteOffset, sw * sh);
  const d32 = new Int32Array(dst.buffer, dst.byteOffset, dw * dh);
  const x0s = new Int32Array(dw);
  const x1s = new Int32Array(dw);
  const wxs = new Int32Array(dw);
  for (let x = 0; x < dw; x++) {
    const sx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / dw - 0.5));
    x0s[x] = Math.floor(sx);
    x1s[x] = Math.min(sw - 1, x0s[x]! + 1);
    wxs[x] = Math.round((sx - x0s[x]!) * 256);
  }
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / dh - 0.5));
    const y0 = Math.floor(sy);
    const r0 = y0 * sw;
    const r1 = Math.min(sh - 1, y0 + 1) * sw;
    const wy = Math.round((sy - y0) * 256);
    let o = y * dw;
    for (let x = 0; x < dw; x++, o++) {
      const x0 = x0s[x]!, x1 = x1s[x]!, wx = wxs[x]!;
      d32[o] = lerpWord(lerpWord(s32[r0 + x0]!, s32[r0 + x1]!, wx), lerpWord(s32[r1 + x0]!, s32[r1 + x1]!, wx), wy);
    }
  }
}
