import type { Frame } from '../../core/frame.js';
import { channelCount, frameToTensor, imageToFrame, lumaToFrame, maskToFrame, type Scratch } from './image-tensor.js';
import type { ImageInputSpec, OutputSpec } from './manifest.js';
import { placement } from './placement.js';
import { crossfadeInto } from '../../core/blend.js';

/** Everything the inference thread needs to turn one frame into the model's frame. */
export interface FrameJob {
  /** The frame's size (the show's). */
  width: number;
  height: number;
  image: ImageInputSpec;
  output: OutputSpec;
  /** The model's working size for this run. */
  w: number;
  h: number;
  scalars: { name: string; value: number }[];
  mix: number;
  invert: boolean;
}

export interface Tensor {
  data: Float32Array;
  dims: readonly number[];
}

/** The distinct buffers under some tensors (two views may share one), to transfer them between threads. */
export function tensorBuffers(tensors: Record<string, Tensor>): ArrayBuffer[] {
  return [...new Set(Object.values(tensors).map((t) => t.data.buffer as ArrayBuffer))];
}

/** One frame's inputs for the session: its tensors stay untouched until the run that reads them is over. */
interface InputSlot {
  tensor: Float32Array;
  scalars: Map<string, Float32Array>;
}

/** A frame on its way through the model: what `prepare` made of it, for `finish` after the run. */
export interface PreparedFrame {
  job: FrameJob;
  bytes: Uint8Array;
  place: ReturnType<typeof placement>;
  feeds: Record<string, Tensor>;
  slot: InputSlot;
}

/**
 * Frame in -> model -> frame out, on the model's pixel thread, in two halves around the run: `prepare`
 * (pre-processing into tensors of its own) and `finish` (the NaN check, post-processing by the output's
 * role, the dry/wet mix, written back into the frame's own bytes). The run itself happens on the
 * session's thread meanwhile, so the model never waits for pixel work. The frame loop's thread only
 * copies a frame in and one out.
 */
export class FrameRenderer {
  /** Input tensors not in use: a frame holds one from `prepare` until its run is over. */
  private readonly freeSlots: InputSlot[] = [];
  private styled = new Uint8Array(0);
  private readonly scratch: Scratch = { work: new Uint8Array(0), chroma: new Uint8Array(0) };

  prepare(job: FrameJob, bytes: Uint8Array): PreparedFrame {
    const { image, w, h } = job;
    const input: Frame = { width: job.width, height: job.height, data: bytes, index: 0, time: 0 };
    const channels = channelCount(image);
    const slot = this.freeSlots.pop() ?? { tensor: new Float32Array(0), scalars: new Map<string, Float32Array>() };
    if (slot.tensor.length !== channels * w * h) slot.tensor = new Float32Array(channels * w * h);
    const place = placement(image.size.fit, job.width, job.height, w, h);
    frameToTensor(input, image, w, h, place, slot.tensor);
    const feeds: Record<string, Tensor> = { [image.name]: { data: slot.tensor, dims: image.layout === 'NCHW' ? [1, channels, h, w] : [1, h, w, channels] } };
    for (const s of job.scalars) {
      let data = slot.scalars.get(s.name);
      if (!data) slot.scalars.set(s.name, (data = new Float32Array(1)));
      data[0] = s.value;
      feeds[s.name] = { data, dims: [1] };
    }
    return { job, bytes, place, feeds, slot };
  }

  /**
   * The run that read the frame's tensors is over (done or failed) and gave them back (they travelled to
   * the session's thread and back): they may be written again.
   */
  ran(prepared: PreparedFrame, returned: Record<string, Tensor>): void {
    const { slot, job } = prepared;
    const image = returned[job.image.name];
    if (!image) return;
    slot.tensor = image.data;
    for (const s of job.scalars) {
      const data = returned[s.name]?.data;
      if (data) slot.scalars.set(s.name, data);
    }
    if (this.freeSlots.length < 8) this.freeSlots.push(slot);
  }

  finish(prepared: PreparedFrame, results: Record<string, Tensor>): Uint8Array {
    const { job, bytes, place } = prepared;
    const { output, w, h } = job;
    const input: Frame = { width: job.width, height: job.height, data: bytes, index: 0, time: 0 };
    const result = results[output.name];
    if (!result) throw new Error(`the model returned no "${output.name}"`);
    if (!allFinite(result.data)) throw new Error(`the model returned NaN or Infinity in "${output.name}"`);
    // Fully wet, an image or luma picture is written over the frame's own bytes (they are read before
    // they are written): two whole-frame copies fewer on the model's thread. A mask needs the input whole.
    const direct = job.mix >= 1 && output.role !== 'mask';
    if (!direct && this.styled.length !== bytes.length) this.styled = new Uint8Array(bytes.length);
    const styled: Frame = { ...input, data: direct ? bytes : this.styled };
    const inputSize = { w, h };
    switch (output.role) {
      case 'image':
        if (!direct) styled.data.set(bytes); // what the model's picture does not cover (fill's margins) stays dry
        imageToFrame(result.data, result.dims, output, place, inputSize, styled, this.scratch);
        break;
      case 'luma':
        if (!direct) styled.data.set(bytes);
        lumaToFrame(result.data, result.dims, output, input, place, inputSize, styled, this.scratch);
        break;
      case 'mask':
        maskToFrame(result.data, result.dims, output, input, place, inputSize, job.invert, styled, this.scratch);
        break;
    }
    // Dry (in place) to wet: mix 0 keeps the input exactly, mix 1 gives the model's picture exactly.
    if (!direct) crossfadeInto(bytes, this.styled, job.mix, bytes);
    return bytes;
  }
}

function allFinite(data: Float32Array): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return false;
  return true;
}
