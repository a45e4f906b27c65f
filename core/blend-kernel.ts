import fs from 'node:fs';
import { distPath } from './dist-path.js';

interface Exports {
  memory: WebAssembly.Memory;
  crossfade(a: number, b: number, out: number, bytes: number, t: number): void;
  alphaOver(a: number, b: number, out: number, bytes: number, keep: number): void;
  resample(src: number, sw: number, dst: number, dw: number, dh: number, x0: number, x1: number, wx: number, ys: number, xFrom: number, xTo: number, rowA: number, rowB: number): void;
}

const PAGE = 65536;
/** Below this many bytes the copies in and out cost more than the JS loop saves. */
export const KERNEL_MIN_BYTES = 1 << 16;

/**
 * The whole-frame blends and the model picture's resample (core/wasm/blend.as.ts) in WebAssembly SIMD: ~10x the JS loops at 720p. Its
 * memory holds the two inputs and the output; frames are copied in and out (0.08 ms each at 720p).
 * Null where the runtime cannot run it (no SIMD): the callers' JS paths give the same bytes.
 */
class BlendKernel {
  /** The frame size the buffers are laid out for, and views of the two inputs and the output (made once per size: nothing per call). */
  private bytes = 0;
  private inA: Uint8Array = new Uint8Array(0);
  private inB: Uint8Array = new Uint8Array(0);
  private result: Uint8Array = new Uint8Array(0);
  private readonly at = { a: PAGE, b: PAGE, out: PAGE };

  constructor(private readonly k: Exports) {}

  crossfade(from: Uint8Array, to: Uint8Array, t256: number, out: Uint8Array): void {
    this.load(from, to);
    this.k.crossfade(this.at.a, this.at.b, this.at.out, from.length, t256);
    out.set(this.result);
  }

  alphaOver(a: Uint8Array, b: Uint8Array, keep256: number, out: Uint8Array): void {
    this.load(a, b);
    this.k.alphaOver(this.at.a, this.at.b, this.at.out, a.length, keep256);
    out.set(this.result);
  }

  private load(a: Uint8Array, b: Uint8Array): void {
    const n = a.length;
    if (n !== this.bytes) this.layOut(n);
    this.inA.set(a);
    this.inB.set(b);
  }

  private layOut(n: number): void {
    // Each buffer 16-byte aligned after the first page.
    const stride = (n + 15) & ~15;
    const needed = Math.ceil((PAGE + 3 * stride) / PAGE) - this.k.memory.buffer.byteLength / PAGE;
    if (needed > 0) this.k.memory.grow(needed);
    const buffer = this.k.memory.buffer;
    this.at.a = PAGE;
    this.at.b = PAGE + stride;
    this.at.out = PAGE + 2 * stride;
    this.inA = new Uint8Array(buffer, this.at.a, n);
    this.inB = new Uint8Array(buffer, this.at.b, n);
    this.result = new Uint8Array(buffer, this.at.out, n);
    this.bytes = n;
  }
}

/** Where a resample's source, destination, tables and row buffers live in the kernel's memory (one layout per size). */
interface ResampleLayout {
  key: string;
  src: Uint8Array;
  dst: Uint8Array;
  x0: Int32Array;
  x1: Int32Array;
  wx: Int32Array;
  ys: Int32Array;
  at: { src: number; dst: number; x0: number; x1: number; wx: number; ys: number; rowA: number; rowB: number };
}

/** Tables of a bilinear resample, as image-tensor.ts makes them: per output column and per output row (y0 < 0: skipped). */
export interface ResampleTables {
  x0: Int32Array;
  x1: Int32Array;
  wx: Int32Array;
  /** y0, y1, wy per output row. */
  ys: Int32Array;
  xFrom: number;
  xTo: number;
}

/** The bilinear resample of a model's picture onto the frame (image-tensor.ts), in WebAssembly: its own instance and memory. */
class ResampleKernel {
  private layout: ResampleLayout | null = null;

  constructor(private readonly k: Exports) {}

  resample(src: Uint8Array, sw: number, sh: number, dst: Uint8Array, dw: number, dh: number, t: ResampleTables): void {
    const l = this.lay(sw, sh, dw, dh);
    l.src.set(src.subarray(0, sw * sh * 4));
    l.dst.set(dst.subarray(0, dw * dh * 4)); // pixels outside the picture's reach stay as they are
    l.x0.set(t.x0.subarray(0, dw));
    l.x1.set(t.x1.subarray(0, dw));
    l.wx.set(t.wx.subarray(0, dw));
    l.ys.set(t.ys.subarray(0, dh * 3));
    const a = l.at;
    this.k.resample(a.src, sw, a.dst, dw, dh, a.x0, a.x1, a.wx, a.ys, t.xFrom, t.xTo, a.rowA, a.rowB);
    dst.set(l.dst);
  }

  private lay(sw: number, sh: number, dw: number, dh: number): ResampleLayout {
    const key = `${sw}x${sh}>${dw}x${dh}`;
    if (this.layout?.key === key) return this.layout;
    const align = (n: number): number => (n + 15) & ~15;
    const sizes = { src: sw * sh * 4, dst: dw * dh * 4, x0: dw * 4, x1: dw * 4, wx: dw * 4, ys: dh * 12, rowA: dw * 4, rowB: dw * 4 };
    const at = {} as ResampleLayout['at'];
    let end = PAGE;
    for (const [name, bytes] of Object.entries(sizes) as [keyof typeof sizes, number][]) {
      at[name] = end;
      end += align(bytes);
    }
    const needed = Math.ceil(end / PAGE) - this.k.memory.buffer.byteLength / PAGE;
    if (needed > 0) this.k.memory.grow(needed);
    const buffer = this.k.memory.buffer;
    this.layout = {
      key, at,
      src: new Uint8Array(buffer, at.src, sizes.src), dst: new Uint8Array(buffer, at.dst, sizes.dst),
      x0: new Int32Array(buffer, at.x0, dw), x1: new Int32Array(buffer, at.x1, dw), wx: new Int32Array(buffer, at.wx, dw), ys: new Int32Array(buffer, at.ys, dh * 3),
    };
    return this.layout;
  }
}

let compiled: WebAssembly.Module | null | undefined;
let kernel: BlendKernel | null | undefined;
let resampler: ResampleKernel | null | undefined;

/** The compiled kernels; null where WebAssembly SIMD is missing (the callers' JS paths give the same bytes). */
function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = fs.readFileSync(distPath(import.meta.url, 'wasm', 'blend.wasm'));
      compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const instance = (m: WebAssembly.Module): Exports => new WebAssembly.Instance(m).exports as unknown as Exports;

/** The blend kernel, made at first use; null where WebAssembly SIMD is missing. */
export function blendKernel(): BlendKernel | null {
  if (kernel === undefined) {
    const m = module();
    kernel = m ? new BlendKernel(instance(m)) : null;
  }
  return kernel;
}

/** The resample kernel (its own memory), made at first use on this thread; null where WebAssembly SIMD is missing. */
export function resampleKernel(): ResampleKernel | null {
  if (resampler === undefined) {
    const m = module();
    resampler = m ? new ResampleKernel(instance(m)) : null;
  }
  return resampler;
}
