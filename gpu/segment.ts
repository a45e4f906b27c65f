import { createFrame, type Frame } from '../core/frame.js';
import { EFFECT_TEXTURE_FORMAT } from './effect-program.js';
import type { EffectRunner } from './effect-runner.js';
import { HOST_UNIFORM_BYTES } from './prelude.js';
import { sharedResources } from './shared.js';

/** Readbacks in flight at once: the frame loop never waits while the GPU is up to this many frames behind. */
const SLOTS = 3;
/** A map that waits up to this long (ms) is asked for at the submit. */
const MAP_AT_ONCE_MS = 4;
/** Effects one segment can time (two timestamps each). */
const MAX_TIMED = 16;

interface Slot {
  buffer: GPUBuffer;
  times: GPUBuffer | null;
  state: 'free' | 'submitted' | 'pending' | 'ready';
  seq: number;
  effects: number;
  submittedAt: number;
}

export interface SegmentStats {
  uploads: number;
  readbacks: number;
  /** Frames the GPU was too far behind to take (the previous output was shown again). */
  late: number;
  uploadMs: number;
  readbackMs: number;
  /** From submit to the result being readable (the GPU's work plus the wait). */
  gpuWaitMs: number;
  /** Frames between a frame going in and its result coming out. */
  latencyFrames: number;
  /** Each effect's GPU time on the last timed frame (ns), in order; empty without timestamp queries. */
  effectNs: number[];
}

export interface SegmentStep {
  runner: EffectRunner;
  params: Float32Array;
}

/**
 * A run of consecutive GPU effects: the CPU frame goes up once, every effect's passes run on textures, and
 * the result comes back once, through a ring of mappable buffers read asynchronously. `run` returns the
 * newest result that is back (one frame behind when the GPU keeps up), never waiting for the GPU.
 */
export class GpuSegment {
  private readonly upload: GPUTexture;
  private readonly uploadView: GPUTextureView;
  private readonly hostBuffer: GPUBuffer;
  private readonly spectrum: GPUTexture;
  private readonly slots: Slot[] = [];
  private readonly bytesPerRow: number;
  private readonly output: Frame;
  private readonly querySet: GPUQuerySet | null;
  private readonly resolve: GPUBuffer | null;
  private readonly timestamps: { querySet: GPUQuerySet; begin: number; end: number }[] = [];
  private seq = 0;
  private shownSeq = 0;
  private hasOutput = false;
  private readonly counts = { uploads: 0, readbacks: 0, late: 0 };
  private readonly last = { uploadMs: 0, readbackMs: 0, gpuWaitMs: 0, latencyFrames: 0 };
  private effectNs: number[] = [];
  private disposed = false;
  private unshared: Uint8Array<ArrayBuffer> | null = null;
  /** How long after a submit its map is asked for (ms), learnt from how long maps waited. */
  private expectedMs = 0;

  constructor(
    private readonly device: GPUDevice,
    readonly width: number,
    readonly height: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.upload = device.createTexture({ size: [width, height], format: EFFECT_TEXTURE_FORMAT, usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
    this.uploadView = this.upload.createView();
    this.hostBuffer = sharedResources(device).hostBuffer;
    this.spectrum = sharedResources(device).spectrum;
    // copyTextureToBuffer wants rows in multiples of 256 bytes; the padding is dropped on the way out.
    this.bytesPerRow = Math.ceil((width * 4) / 256) * 256;
    const timed = device.features.has('timestamp-query');
    this.querySet = timed ? device.createQuerySet({ type: 'timestamp', count: MAX_TIMED * 2 }) : null;
    this.resolve = timed ? device.createBuffer({ size: MAX_TIMED * 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }) : null;
    for (let i = 0; i < MAX_TIMED && this.querySet; i++) this.timestamps.push({ querySet: this.querySet, begin: i * 2, end: i * 2 + 1 });
    for (let i = 0; i < SLOTS; i++) {
      this.slots.push({
        buffer: device.createBuffer({ size: this.bytesPerRow * height, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
        times: timed ? device.createBuffer({ size: MAX_TIMED * 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }) : null,
        state: 'free',
        seq: 0,
        effects: 0,
        submittedAt: 0,
      });
    }
    this.output = createFrame(width, height);
  }

  /**
   * Sends `input` through `steps` and returns the newest result that has come back (null before the
   * first). `host` is the host's uniform block for this frame.
   */
  run(input: Frame, steps: readonly SegmentStep[], host: Float32Array, spectrum: Float32Array): Frame | null {
    this.collect();
    this.requestMaps();
    const slot = this.slots.find((s) => s.state === 'free');
    if (!slot) {
      this.counts.late++;
    } else {
      this.submit(input, steps, host, spectrum, slot);
    }
    if (!this.hasOutput) return null;
    this.output.index = input.index;
    this.output.time = input.time;
    return this.output;
  }

  /** Resolves when every readback in flight has come back (tests step the frame loop by hand). */
  async settled(): Promise<void> {
    for (const slot of this.slots) if (slot.state === 'submitted') this.map(slot);
    while (this.slots.some((s) => s.state === 'pending')) await new Promise((resolve) => setImmediate(resolve));
  }

  stats(): SegmentStats {
    return { ...this.counts, ...this.last, effectNs: this.effectNs };
  }

  dispose(): void {
    this.disposed = true;
    this.upload.destroy();
    this.querySet?.destroy();
    this.resolve?.destroy();
    for (const slot of this.slots) {
      // A buffer still being mapped is destroyed too: its pending map is cancelled.
      slot.buffer.destroy();
      slot.times?.destroy();
    }
  }

  /**
   * Sends `input` through `steps` and leaves the result on the GPU (no readback): its view, valid until
   * the last step's next frame. For a deck the GPU mixer mixes with the other one.
   */
  encodeOnly(input: Frame, steps: readonly SegmentStep[], host: Float32Array, spectrum: Float32Array): GPUTextureView {
    const { encoder, view } = this.encodeSteps(input, steps, host, spectrum);
    this.device.queue.submit([encoder.finish()]);
    return view;
  }

  /**
   * Runs `step` over two views already on the GPU (`a` as its input, `b` as its first pass's
   * `previousPass`: the mixer over two decks) and returns the newest result back, as `run` does.
   */
  runOnViews(a: GPUTextureView, b: GPUTextureView, step: SegmentStep, stamp: { index: number; time: number }): Frame | null {
    this.collect();
    this.requestMaps();
    const slot = this.slots.find((s) => s.state === 'free');
    if (!slot) this.counts.late++;
    else {
      const encoder = this.device.createCommandEncoder();
      const view = step.runner.encode(encoder, a, step.params, this.timestamps[0] ?? null, b);
      this.finish(encoder, step.runner.textureOf(view), 1, slot);
    }
    if (!this.hasOutput) return null;
    this.output.index = stamp.index;
    this.output.time = stamp.time;
    return this.output;
  }

  private encodeSteps(input: Frame, steps: readonly SegmentStep[], host: Float32Array, spectrum: Float32Array): { encoder: GPUCommandEncoder; view: GPUTextureView; texture: GPUTexture } {
    const started = this.now();
    const queue = this.device.queue;
    queue.writeBuffer(this.hostBuffer, 0, host.buffer, host.byteOffset, HOST_UNIFORM_BYTES);
    queue.writeTexture({ texture: this.spectrum }, ownedFloats(spectrum), { bytesPerRow: spectrum.byteLength }, [spectrum.length, 1]);
    queue.writeTexture({ texture: this.upload }, this.uploadable(input.data), { bytesPerRow: input.width * 4 }, [input.width, input.height]);
    this.counts.uploads++;
    this.last.uploadMs = this.now() - started;
    const encoder = this.device.createCommandEncoder();
    let view = this.uploadView;
    let lastRunner: EffectRunner | null = null;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      view = step.runner.encode(encoder, view, step.params, this.timestamps[i] ?? null);
      lastRunner = step.runner;
    }
    return { encoder, view, texture: lastRunner ? lastRunner.textureOf(view) : this.upload };
  }

  private submit(input: Frame, steps: readonly SegmentStep[], host: Float32Array, spectrum: Float32Array, slot: Slot): void {
    const { encoder, texture } = this.encodeSteps(input, steps, host, spectrum);
    this.finish(encoder, texture, Math.min(steps.length, this.timestamps.length), slot);
  }

  /** Copies the result into a readback buffer, submits, and asks for its map when the GPU has likely finished. */
  private finish(encoder: GPUCommandEncoder, texture: GPUTexture, timed: number, slot: Slot): void {
    encoder.copyTextureToBuffer({ texture }, { buffer: slot.buffer, bytesPerRow: this.bytesPerRow }, [this.width, this.height]);
    if (this.querySet && this.resolve && slot.times && timed > 0) {
      encoder.resolveQuerySet(this.querySet, 0, timed * 2, this.resolve, 0);
      encoder.copyBufferToBuffer(this.resolve, 0, slot.times, 0, timed * 16);
    }
    this.device.queue.submit([encoder.finish()]);
    slot.state = 'submitted';
    slot.seq = ++this.seq;
    slot.effects = timed;
    slot.submittedAt = this.now();
    // A GPU that finishes within a few milliseconds is asked at once (the result shows on the next
    // frame); a slower one when it has likely finished.
    if (this.expectedMs <= MAP_AT_ONCE_MS) this.map(slot);
    else setTimeout(() => slot.state === 'submitted' && !this.disposed && this.map(slot), this.expectedMs).unref();
  }

  /**
   * Asks for the readback of what was submitted on earlier frames and is still not asked for (its timer
   * came late). While a map is pending, Dawn's Node binding polls on every turn of the event loop (work
   * and garbage on the frame loop's thread): a map that waits 60 ms on a slow GPU stalled the loop.
   */
  private requestMaps(): void {
    const now = this.now();
    for (const slot of this.slots) {
      if (slot.state === 'submitted' && slot.seq < this.seq && now - slot.submittedAt >= this.expectedMs) this.map(slot);
    }
  }

  private map(slot: Slot): void {
    slot.state = 'pending';
    const asked = this.now();
    const timed = slot.effects;
    const maps = [slot.buffer.mapAsync(GPUMapMode.READ), ...(slot.times && timed > 0 ? [slot.times.mapAsync(GPUMapMode.READ)] : [])];
    Promise.all(maps).then(
      () => {
        if (this.disposed) return;
        slot.state = 'ready';
        const done = this.now();
        this.last.gpuWaitMs = done - slot.submittedAt;
        // Ask later when the map had to wait (the GPU was not done), sooner when it came back at once:
        // a map waits about a millisecond, whatever the GPU's speed.
        this.expectedMs = Math.min(1000, Math.max(0, this.expectedMs + (done - asked - 1) * 0.5));
      },
      () => {
        // A lost device or a disposed segment: the slot is gone with it.
        slot.state = this.disposed ? 'pending' : 'free';
      },
    );
  }

  /**
   * Dawn's binding reads a view over shared memory (a WebAssembly kernel's output, such as the CPU feedback's)
   * at the wrong address and crashes: such pixels are copied into a buffer of the segment's own first.
   */
  private uploadable(data: Uint8Array): Uint8Array<ArrayBuffer> {
    if (!(data.buffer instanceof SharedArrayBuffer)) return data as Uint8Array<ArrayBuffer>;
    this.unshared ??= new Uint8Array(data.length);
    this.unshared.set(data);
    return this.unshared;
  }

  /** Copies the newest result that is back into the output frame; older ones are let go. */
  private collect(): void {
    let newest: Slot | null = null;
    for (const slot of this.slots) if (slot.state === 'ready' && (!newest || slot.seq > newest.seq)) newest = slot;
    if (!newest) return;
    const started = this.now();
    const mapped = new Uint8Array(newest.buffer.getMappedRange());
    const row = this.width * 4;
    if (row === this.bytesPerRow) this.output.data.set(mapped.subarray(0, row * this.height));
    else for (let y = 0; y < this.height; y++) this.output.data.set(mapped.subarray(y * this.bytesPerRow, y * this.bytesPerRow + row), y * row);
    if (newest.times && newest.effects > 0) this.readTimes(newest);
    this.last.readbackMs = this.now() - started;
    this.last.latencyFrames = this.seq - newest.seq + 1;
    this.shownSeq = newest.seq;
    this.hasOutput = true;
    this.counts.readbacks++;
    for (const slot of this.slots) {
      if (slot.state !== 'ready' || slot.seq > this.shownSeq) continue;
      slot.buffer.unmap();
      slot.times?.unmap();
      slot.state = 'free';
    }
  }

  private readTimes(slot: Slot): void {
    const stamps = new BigUint64Array(slot.times!.getMappedRange(0, slot.effects * 16));
    const ns: number[] = [];
    for (let i = 0; i < slot.effects; i++) ns.push(Number(stamps[i * 2 + 1]! - stamps[i * 2]!));
    this.effectNs = ns;
  }
}

/** The spectrum's floats live in an ordinary buffer (the engine's own), which is what writeTexture takes. */
function ownedFloats(values: Float32Array): Float32Array<ArrayBuffer> {
  return values as Float32Array<ArrayBuffer>;
}
