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

/**
 * Frame (RGBA8, any size) -> image tensor (w x h, layout, channel order or luma, range) in one pass over
 * the tensor's pixels, bilinear-sampled through the placement (stretch / fit / fill), into a reused
 * buffer. Tensor pixels outside the frame (fit's letterbox) are black.
 */
export function frameToTensor(frame: Frame, spec: ImageInputSpec, w: number, h: number, place: Placement, out: Float32Array): void {
  const { scale, offset } = inputMapping(spec.range);
  const luma = spec.channels === 'Y';
  const order = spec.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const channels = luma ? 1 : 3;
  const src = frame.data;
  const fw = frame.width;
  const fh = frame.height;
  const plane = w * h;
  const nchw = spec.layout === 'NCHW';
  const back = inverse(place);
  for (let y = 0; y < h; y++) {
    const fy = (y + 0.5) * back.scaleY + back.offsetY - 0.5;
    const outsideY = fy < -0.5 || fy > fh - 0.5;
    const sy = Math.min(fh - 1, Math.max(0, fy));
    const y0 = Math.floor(sy);
    const y1 = Math.min(fh - 1, y0 + 1);
    const wy = sy - y0;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const fx = (x + 0.5) * back.scaleX + back.offsetX - 0.5;
      if (outsideY || fx < -0.5 || fx > fw - 0.5) {
        for (let c = 0; c < channels; c++) out[nchw ? c * plane + p : p * channels + c] = offset[c]!;
        continue;
      }
      const sx = Math.min(fw - 1, Math.max(0, fx));
      const x0 = Math.floor(sx);
      const x1 = Math.min(fw - 1, x0 + 1);
      const wx = sx - x0;
      const i00 = (y0 * fw + x0) * 4, i10 = (y0 * fw + x1) * 4, i01 = (y1 * fw + x0) * 4, i11 = (y1 * fw + x1) * 4;
      const sample = (ch: number): number => {
        const top = src[i00 + ch]! + (src[i10 + ch]! - src[i00 + ch]!) * wx;
        const bottom = src[i01 + ch]! + (src[i11 + ch]! - src[i01 + ch]!) * wx;
        return top + (bottom - top) * wy;
      };
      if (luma) {
        out[p] = (0.299 * sample(0) + 0.587 * sample(1) + 0.114 * sample(2)) * scale[0]! + offset[0]!;
        continue;
      }
      for (let c = 0; c < 3; c++) {
        const v = sample(order[c]!) * scale[c]! + offset[c]!;
        if (nchw) out[c * plane + p] = v;
        else out[p * 3 + c] = v;
      }
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
  const order = spec.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const work = sized(scratch, 'work', plane * 4);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = nchw ? data[c * plane + p]! : data[p * 3 + c]!;
      work[p * 4 + order[c]!] = ((v < lo ? lo : v > hi ? hi : v) - lo) * k + 0.5;
    }
    work[p * 4 + 3] = 255;
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
  for (let p = 0; p < plane; p++) {
    const r = chroma[p * 4]!, g = chroma[p * 4 + 1]!, b = chroma[p * 4 + 2]!;
    const cb = -0.168736 * r - 0.331264 * g + 0.5 * b;
    const cr = 0.5 * r - 0.418688 * g - 0.081312 * b;
    const yv = data[p]! * k;
    const y = yv < 0 ? 0 : yv > 255 ? 255 : yv;
    work[p * 4] = clamp8(y + 1.402 * cr);
    work[p * 4 + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr);
    work[p * 4 + 2] = clamp8(y + 1.772 * cb);
    work[p * 4 + 3] = 255;
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

function clamp8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v + 0.5;
}

function sized(scratch: Scratch, key: keyof Scratch, length: number): Uint8Array {
  if (scratch[key].length !== length) scratch[key] = new Uint8Array(length);
  return scratch[key];
}


