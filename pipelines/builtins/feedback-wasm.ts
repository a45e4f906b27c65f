import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { distPath } from '../../core/dist-path.js';
import type { Log } from '../../core/log.js';
import { createJobBuffer, jobViews, renderChunks, Slot, writeJob, type FrameArgs, type JobViews, type KernelRender } from './feedback-job.js';
import type { FeedbackTransform } from './feedback-kernel.js';

const PAGE = 65536;
/** The kernel's own static data (weight table) lives in the first page; frame buffers start after it. */
const FIRST_BUFFER = PAGE;
/** The module declares this maximum; shared memory reserves it up front (address space, not RAM). */
const MAX_PAGES = 32768;
const CHUNK_ROWS = 16;
const TRANSFORM_FLOATS = 4;

/** Where the transform's floats go: after the three frames, 8-byte aligned. */
const transformAt = (frameBytes: number): number => Math.ceil((FIRST_BUFFER + 3 * frameBytes) / 8) * 8;
/** How long the frame loop waits for the helper's bands before rendering them itself. */
const HELPER_TIMEOUT_MS = 100;
const HELPER_START_TIMEOUT_MS = 3000;

let compiled: WebAssembly.Module | null | undefined;
let unavailableReason = '';

/** The compiled kernel, or null and the reason when it cannot run here. */
export function feedbackWasmModule(): { module: WebAssembly.Module | null; reason: string | null } {
  if (compiled === undefined) {
    try {
      const bytes = fs.readFileSync(distPath(import.meta.url, 'wasm', 'feedback.wasm'));
      if (!WebAssembly.validate(bytes)) throw new Error('this runtime cannot run it (WebAssembly SIMD or threads missing?)');
      compiled = new WebAssembly.Module(bytes);
    } catch (error) {
      compiled = null;
      unavailableReason = (error as Error).message;
    }
  }
  return { module: compiled, reason: compiled ? null : unavailableReason };
}

/**
 * One kernel instance with its own shared memory holding three frames: the input copy and the two
 * feedback buffers it ping-pongs between. The output is a view into that memory (no copy out).
 * With a helper thread, both threads take 16-row bands of each frame, so the pass uses both cores;
 * if the helper ever stalls, the frame loop renders the missing bands itself and drops the helper.
 */
export class WasmFeedbackKernel {
  private readonly kernel: KernelRender;
  readonly input: Uint8Array;
  private readonly buffers: [Uint8Array, Uint8Array];
  private readonly pointers: [number, number];
  private readonly inputPointer: number;
  /** The kernel's arguments for one frame, reused: rendering allocates nothing per frame. */
  private readonly frameArgs: FrameArgs;
  /** The frame's origin, cos and sin, in the kernel's memory after the three frames (it reads them there). */
  private readonly transform: Float64Array;
  private current = 0;
  private helper: Worker | null = null;
  private job: JobViews | null = null;

  private constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    readonly width: number,
    readonly height: number,
    private readonly log: Log,
  ) {
    this.kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelRender;
    const bytes = width * height * 4;
    this.inputPointer = FIRST_BUFFER;
    this.pointers = [FIRST_BUFFER + bytes, FIRST_BUFFER + 2 * bytes];
    this.input = new Uint8Array(memory.buffer, this.inputPointer, bytes);
    this.buffers = [new Uint8Array(memory.buffer, this.pointers[0], bytes), new Uint8Array(memory.buffer, this.pointers[1], bytes)];
    const transformPointer = transformAt(bytes);
    this.transform = new Float64Array(memory.buffer, transformPointer, TRANSFORM_FLOATS);
    this.frameArgs = { src: 0, inp: this.inputPointer, dst: 0, width, height, chunkRows: CHUNK_ROWS, transform: transformPointer };
  }

  static async create(module: WebAssembly.Module, width: number, height: number, options: { helperThread: boolean; log: Log }): Promise<WasmFeedbackKernel> {
    const bytes = width * height * 4;
    const pages = Math.ceil((transformAt(bytes) + TRANSFORM_FLOATS * 8) / PAGE);
    if (pages > MAX_PAGES) throw new Error(`frame ${width}x${height} is too large for the feedback kernel`);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
    const kernel = new WasmFeedbackKernel(module, memory, width, height, options.log);
    if (options.helperThread) await kernel.startHelper();
    return kernel;
  }

  get threads(): number {
    return this.helper ? 2 : 1;
  }

  private async startHelper(): Promise<void> {
    const buffer = createJobBuffer();
    const worker = new Worker(distPath(import.meta.url, 'pipelines', 'builtins', 'feedback-worker.js'), {
      workerData: { module: this.module, memory: this.memory, job: buffer },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('helper thread did not start')), HELPER_START_TIMEOUT_MS);
        worker.once('message', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    } catch (error) {
      this.log.warn(`feedback: running on one thread (${(error as Error).message})`);
      void worker.terminate();
      return;
    }
    worker.on('error', (error) => {
      this.log.warn(`feedback helper thread failed (${error.message}); continuing on one thread`);
      this.dropHelper();
    });
    worker.unref();
    this.helper = worker;
    this.job = jobViews(buffer);
  }

  /** Seeds the "previous output" buffer (the first frame feeds back onto itself). */
  seed(pixels: Uint8Array): void {
    this.buffers[1 - this.current]!.set(pixels);
  }

  /** Renders from `this.input` and the previous output; returns the new output's pixels. */
  render(t: FeedbackTransform): Uint8Array {
    const dst = this.current;
    const src = 1 - dst;
    const frame = this.frameArgs;
    frame.src = this.pointers[src]!;
    frame.dst = this.pointers[dst]!;
    const transform = this.transform;
    transform[0] = t.ox;
    transform[1] = t.oy;
    transform[2] = t.cos;
    transform[3] = t.sin;
    if (this.job) {
      this.renderWithHelper(this.job, t, frame);
    } else {
      const h = t.hue;
      if (t.useHue) this.kernel.setHue(h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, h[8]!);
      this.kernel.render(frame.src, frame.inp, frame.dst, frame.width, frame.height, frame.transform, t.stepX, t.stepY, t.useHue ? 1 : 0, t.keep, t.mix, t.key, 0, frame.height);
    }
    this.current = src;
    return this.buffers[dst]!;
  }

  private renderWithHelper(job: JobViews, t: FeedbackTransform, frame: FrameArgs): void {
    const chunks = writeJob(job, t, frame);
    Atomics.add(job.ints, Slot.generation, 1);
    Atomics.notify(job.ints, Slot.generation);
    renderChunks(job, this.kernel);
    const deadline = performance.now() + HELPER_TIMEOUT_MS;
    for (let c = 0; c < chunks; c++) {
      while (Atomics.load(job.ints, Slot.doneFlags + c) === 0) {
        if (performance.now() > deadline) {
          this.rescue(job, t, frame, chunks);
          return;
        }
        Atomics.wait(job.ints, Slot.doneFlags + c, 0, 2);
      }
    }
  }

  /** The helper stalled mid-frame: render every unfinished band here (same bytes if it wakes) and drop it. */
  private rescue(job: JobViews, t: FeedbackTransform, frame: FrameArgs, chunks: number): void {
    this.log.warn(`feedback helper thread stalled for ${HELPER_TIMEOUT_MS} ms; continuing on one thread`);
    const h = t.hue;
    if (t.useHue) this.kernel.setHue(h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, h[8]!);
    for (let c = 0; c < chunks; c++) {
      if (Atomics.load(job.ints, Slot.doneFlags + c) === 0) {
        this.kernel.render(frame.src, frame.inp, frame.dst, frame.width, frame.height, frame.transform, t.stepX, t.stepY, t.useHue ? 1 : 0, t.keep, t.mix, t.key, c * CHUNK_ROWS, Math.min(frame.height, (c + 1) * CHUNK_ROWS));
      }
    }
    this.dropHelper();
  }

  private dropHelper(): void {
    const worker = this.helper;
    const job = this.job;
    this.helper = null;
    this.job = null;
    if (job) {
      Atomics.store(job.ints, Slot.stop, 1);
      Atomics.add(job.ints, Slot.generation, 1);
      Atomics.notify(job.ints, Slot.generation);
    }
    if (worker) void worker.terminate();
  }

  dispose(): void {
    this.dropHelper();
  }
}
