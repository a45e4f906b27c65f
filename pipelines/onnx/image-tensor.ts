import type { Frame } from '../../core/frame.js';
import type { ImageInputSpec, ImageOutputSpec, LumaOutputSpec, MaskOutputSpec } from './manifest.js';
import { inverse, scaled, type Placement } from './placement.js';
import { resampleRgba } from './resample.js';

export { resampleRgba };

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

export function channelCount(spec: ImageInputSpec): number {
  return spec.channels === 'Y' ? 1 : 3;
}

/** Per tensor column: the two source pixels' byte offsets in a row, the weight of the second, and whether it is inside the frame. */
interface ColumnTable {
  i0: Int32Array;
  i1: Int32Array;
  wx: Float64Array;
  inside: Uint8Array;
}

const columnTables = new Map<number, ColumnTable>();

/** The columns' sampling for a tensor `w` wide over a frame `fw` wide, through the inverse placement. */
function columnTable(w: number, fw: number, back: Placement): ColumnTable {
  let t = columnTables.get(w);
  if (!t) {
    if (columnTables.size > 8) columnTables.clear();
    t = { i0: new Int32Array(w), i1: new Int32Array(w), wx: new Float64Array(w), inside: new Uint8Array(w) };
    columnTables.set(w, t);
  }
  for (let x = 0; x < w; x++) {
    const fx = (x + 0.5) * back.scaleX + back.offsetX - 0.5;
    t.inside[x] = fx < -0.5 || fx > fw - 0.5 ? 0 : 1;
    const sx = Math.min(fw - 1, Math.max(0, fx));
    const x0 = Math.floor(sx);
    t.i0[x] = x0 * 4;
    t.i1[x] = Math.min(fw - 1, x0 + 1) * 4;
    t.wx[x] = sx - x0;
  }
  return t;
}

/**
 * Frame (RGBA8, any size) -> image tensor (w x h, layout, channel order or luma, range) in one pass over
 * the tensor's pixels, bilinear-sampled through the placement (stretch / fit / fill), into a reused
 * buffer. Tensor pixels outside the frame (fit's letterbox) are black. The columns' sampling is worked
 * out once per call, so the per-pixel loop is only loads, blends and stores (it runs on the model's
 * thread between two inferences: its time is time the model does not run).
 */
export function frameToTensor(frame: Frame, spec: ImageInputSpec, w: number, h: number, place: Placement, out: Float32Array): void {
  const { scale, offset } = inputMapping(spec.range);
  const src = frame.data;
  const fw = frame.width;
  const fh = frame.height;
  const back = inverse(place);
  const { i0, i1, wx, inside } = columnTable(w, fw, back);
  // Tensor channel c reads source channel ch[c]; it lands at base[c] + p * step.
  const luma = spec.channels === 'Y';
  const ch = spec.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const plane = w * h;
  const nchw = spec.layout === 'NCHW';
  const step = luma ? 1 : nchw ? 1 : 3;
  const base = nchw ? [0, plane, 2 * plane] : [0, 1, 2];
  const [c0, c1, c2] = ch as [number, number, number];
  const [b0, b1, b2] = base as [number, number, number];
  const [s0, s1, s2] = scale as [number, number, number];
  const [o0, o1, o2] = offset as [number, number, number];
  for (let y = 0; y < h; y++) {
    const fy = (y + 0.5) * back.scaleY + back.offsetY - 0.5;
    const outsideY = fy < -0.5 || fy > fh - 0.5;
    const sy = Math.min(fh - 1, Math.max(0, fy));
    const y0 = Math.floor(sy);
    const r0 = y0 * fw * 4;
    const r1 = Math.min(fh - 1, y0 + 1) * fw * 4;
    const wy = sy - y0;
    for (let x = 0; x < w; x++) {
      const at = (y * w + x) * step;
      if (outsideY || inside[x] === 0) {
        out[b0 + at] = o0;
        if (!luma) {
          out[b1 + at] = o1;
          out[b2 + at] = o2;
        }
        continue;
      }
      const a = r0 + i0[x]!, b = r0 + i1[x]!, c = r1 + i0[x]!, d = r1 + i1[x]!;
      const f = wx[x]!;
      let t = src[a + c0]! + (src[b + c0]! - src[a + c0]!) * f;
      let u = src[c + c0]! + (src[d + c0]! - src[c + c0]!) * f;
      const v0 = t + (u - t) * wy;
      t = src[a + c1]! + (src[b + c1]! - src[a + c1]!) * f;
      u = src[c + c1]! + (src[d + c1]! - src[c + c1]!) * f;
      const v1 = t + (u - t) * wy;
      t = src[a + c2]! + (src[b + c2]! - src[a + c2]!) * f;
      u = src[c + c2]! + (src[d + c2]! - src[c + c2]!) * f;
      const v2 = t + (u - t) * wy;
      if (luma) {
        // Luma weights apply to R, G, B (ch is the identity for Y).
        out[at] = (0.299 * v0 + 0.587 * v1 + 0.114 * v2) * s0 + o0;
        continue;
      }
      out[b0 + at] = v0 * s0 + o0;
      out[b1 + at] = v1 * s1 + o1;
      out[b2 + at] = v2 * s2 + o2;
    }
  }
}

/** Height and width of an output tensor by its layout. */
export function tensorSize(dims: readonly number[], layout: string): { w: number; h: number; c: number } {
  return layout === 'NCHW' ? { c: dims[1] ?? 1, h: dims[2]!, w: dims[3]! } : { h: dims[1]!, w: dims[2]!, c: dims[3] ?? 1 };
}

export interface Scratch {
  work: Uint8Array;
  chroma: Uint8Array;
}

/**
 * Image tensor -> frame (RGBA, opaque): first into an RGBA working image (clamped to the range, scaled
 * to 0..255), then resampled back through the placement onto `out` (which holds the input where the
 * model's picture does not reach: fill's cropped margins).
 */
export function imageToFrame(data: Float32Array, dims: readonly number[], spec: ImageOutputSpec, place: Placement, inputSize: { w: number; h: number }, out: Frame, scratch: Scratch): void {
  const nchw = spec.layout === 'NCHW';
  const { w, h } = tensorSize(dims, spec.layout);
  const plane = w * h;
  const [lo, hi] = spec.range === '0..1' ? [0, 1] : spec.range === '0..255' ? [0, 255] : [-1, 1];
  const k = 255 / (hi - lo);
  // Tensor channel c is at base[c] + p * step and lands in byte order[c] of the pixel.
  const [d0, d1, d2] = spec.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const step = nchw ? 1 : 3;
  const [b0, b1, b2] = nchw ? [0, plane, 2 * plane] : [0, 1, 2];
  const work = sized(scratch, 'work', plane * 4);
  const level = (v: number): number => ((v < lo ? lo : v > hi ? hi : v) - lo) * k + 0.5;
  for (let p = 0; p < plane; p++) {
    const at = p * step;
    const q = p * 4;
    work[q + d0] = level(data[b0 + at]!);
    work[q + d1] = level(data[b1 + at]!);
    work[q + d2] = level(data[b2 + at]!);
    work[q + 3] = 255;
  }
  resampleRgba(work, w, h, out.data, out.width, out.height, frameToOutput(place, w, h, inputSize));
}

/**
 * Luma tensor (a super-resolution model's Y) -> frame: the input's own colour (Cb, Cr), resampled to the
 * tensor's size, is put back around the model's luma (BT.601 full range), then onto the frame.
 */
export function lumaToFrame(data: Float32Array, dims: readonly number[], spec: LumaOutputSpec, input: Frame, place: Placement, inputSize: { w: number; h: number }, out: Frame, scratch: Scratch): void {
  const { w, h } = tensorSize(dims, spec.layout);
  const plane = w * h;
  const k = spec.range === '0..1' ? 255 : 1;
  // The input's picture at the output tensor's size, through the same placement scaled up.
  const toTensor = frameToOutput(place, w, h, inputSize);
  const chroma = sized(scratch, 'chroma', plane * 4);
  resampleRgba(input.data, input.width, input.height, chroma, w, h, inverse(toTensor));
  const work = sized(scratch, 'work', plane * 4);
  // BT.601 full range: putting the input's Cb and Cr around a new luma Y' gives each channel
  // Y' + (channel - Y of the input), so no Cb/Cr is computed. The clamped view rounds and clamps.
  const out8 = new Uint8ClampedArray(work.buffer, work.byteOffset, work.length);
  for (let p = 0, q = 0; p < plane; p++, q += 4) {
    const r = chroma[q]!, g = chroma[q + 1]!, b = chroma[q + 2]!;
    const yv = data[p]! * k;
    const shift = (yv < 0 ? 0 : yv > 255 ? 255 : yv) - (0.299 * r + 0.587 * g + 0.114 * b);
    out8[q] = shift + r;
    out8[q + 1] = shift + g;
    out8[q + 2] = shift + b;
    out8[q + 3] = 255;
  }
  resampleRgba(work, w, h, out.data, out.width, out.height, toTensor);
}

/**
 * Mask tensor -> frame: per tensor pixel a coverage 0..255 (argmax in classes, summed softmax of the
 * classes, sigmoid or value of one channel), resampled to the frame; then the input with the mask as its
 * alpha ("alpha") or a greyscale matte. `invert` swaps inside and outside.
 */
export function maskToFrame(data: Float32Array, dims: readonly number[], spec: MaskOutputSpec, input: Frame, place: Placement, inputSize: { w: number; h: number }, invert: boolean, out: Frame, scratch: Scratch): void {
  const nchw = spec.layout === 'NCHW';
  const { w, h, c } = tensorSize(dims, spec.layout);
  const plane = w * h;
  const at = nchw ? (p: number, ch: number) => data[ch * plane + p]! : (p: number, ch: number) => data[p * c + ch]!;
  const work = sized(scratch, 'work', plane * 4);
  const classes = spec.classes ?? [];
  const channel = spec.channel ?? 0;
  for (let p = 0; p < plane; p++) {
    let m = 0;
    switch (spec.from) {
      case 'argmax': {
        let best = 0;
        for (let ch = 1; ch < c; ch++) if (at(p, ch) > at(p, best)) best = ch;
        m = classes.includes(best) ? 1 : 0;
        break;
      }
      case 'softmax': {
        let max = -Infinity;
        for (let ch = 0; ch < c; ch++) max = Math.max(max, at(p, ch));
        let sum = 0;
        let inside = 0;
        for (let ch = 0; ch < c; ch++) {
          const e = Math.exp(at(p, ch) - max);
          sum += e;
          if (classes.includes(ch)) inside += e;
        }
        m = inside / sum;
        break;
      }
      case 'sigmoid':
        m = 1 / (1 + Math.exp(-at(p, channel)));
        break;
      case 'value':
        m = Math.min(1, Math.max(0, at(p, channel)));
        break;
    }
    const v = Math.round((invert ? 1 - m : m) * 255);
    work[p * 4] = work[p * 4 + 1] = work[p * 4 + 2] = work[p * 4 + 3] = v;
  }
  // The mask, frame-sized, into `out`; then the picture around it.
  out.data.fill(0);
  resampleRgba(work, w, h, out.data, out.width, out.height, frameToOutput(place, w, h, inputSize));
  const src = input.data;
  const dst = out.data;
  if (spec.use === 'matte') {
    for (let i = 0; i < dst.length; i += 4) dst[i + 3] = 255;
    return;
  }
  for (let i = 0; i < dst.length; i += 4) {
    const a = dst[i]!;
    dst[i] = src[i]!;
    dst[i + 1] = src[i + 1]!;
    dst[i + 2] = src[i + 2]!;
    dst[i + 3] = (a * src[i + 3]! + 127) / 255;
  }
}

/** Frame -> output tensor: the input's placement, scaled when the output's size differs from the input's. */
function frameToOutput(place: Placement, w: number, h: number, inputSize: { w: number; h: number }): Placement {
  return scaled(place, w / inputSize.w, h / inputSize.h);
}

function sized(scratch: Scratch, key: keyof Scratch, length: number): Uint8Array {
  if (scratch[key].length !== length) scratch[key] = new Uint8Array(length);
  return scratch[key];
}


