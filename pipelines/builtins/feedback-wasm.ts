import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeedbackTransform } from './feedback-kernel.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  setHue(h0: number, h1: number, h2: number, h3: number, h4: number, h5: number, h6: number, h7: number, h8: number): void;
  render(
    src: number, inp: number, dst: number, width: number, height: number,
    ox: number, oy: number, cos: number, sin: number, stepX: number, stepY: number,
    useHue: number, keep: number, mix: number, key: number,
  ): void;
}

const PAGE = 65536;
/** The kernel's own static data lives in the first page; frame buffers start after it. */
const FIRST_BUFFER = PAGE;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null (with the reason logged by the caller) when it cannot run here. */
export function feedbackWasmModule(): { module: WebAssembly.Module | null; reason: string | null } {
  if (compiled !== undefined) return { module: compiled, reason: compiled ? null : unavailableReason };
  try {
    const bytes = fs.readFileSync(wasmPath());
    if (!WebAssembly.validate(bytes)) throw new Error('this runtime cannot run it (WebAssembly SIMD missing?)');
    compiled = new WebAssembly.Module(bytes);
  } catch (error) {
    compiled = null;
    unavailableReason = (error as Error).message;
  }
  return { module: compiled, reason: compiled ? null : unavailableReason };
}

let unavailableReason = '';

/** dist/wasm/feedback.wasm in the package, found from this file whether it runs from source or from dist. */
function wasmPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'wasm', 'feedback.wasm');
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the package folder holding dist/wasm/feedback.wasm');
}

/**
 * One kernel instance with its own memory holding three frames: the input copy and the two
 * feedback buffers it ping-pongs between. The output is a view into that memory (no copy out).
 */
export class WasmFeedbackKernel {
  private readonly exports: KernelExports;
  readonly input: Uint8Array;
  private readonly buffers: [Uint8Array, Uint8Array];
  private readonly pointers: [number, number];
  private readonly inputPointer: number;
  private current = 0;

  constructor(module: WebAssembly.Module, readonly width: number, readonly height: number) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
    const bytes = width * height * 4;
    const needed = FIRST_BUFFER + 3 * bytes;
    const memory = this.exports.memory;
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
    this.inputPointer = FIRST_BUFFER;
    this.pointers = [FIRST_BUFFER + bytes, FIRST_BUFFER + 2 * bytes];
    this.input = new Uint8Array(memory.buffer, this.inputPointer, bytes);
    this.buffers = [new Uint8Array(memory.buffer, this.pointers[0], bytes), new Uint8Array(memory.buffer, this.pointers[1], bytes)];
  }

  /** Seeds the "previous output" buffer (the first frame feeds back onto itself). */
  seed(pixels: Uint8Array): void {
    this.buffers[1 - this.current]!.set(pixels);
  }

  /** Renders from `this.input` and the previous output; returns the new output's pixels. */
  render(t: FeedbackTransform): Uint8Array {
    const e = this.exports;
    const h = t.hue;
    if (t.useHue) e.setHue(h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, h[8]!);
    const dst = this.current;
    const src = 1 - dst;
    e.render(
      this.pointers[src]!, this.inputPointer, this.pointers[dst]!, this.width, this.height,
      t.ox, t.oy, t.cos, t.sin, t.stepX, t.stepY, t.useHue ? 1 : 0, t.keep, t.mix, t.key,
    );
    this.current = src;
    return this.buffers[dst]!;
  }
}
