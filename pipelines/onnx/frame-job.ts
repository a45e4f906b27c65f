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

/**
 * Frame in -> model -> frame out, all of it on the model's own thread: pre-processing into a reused
 * tensor, the run, the NaN check, post-processing by the output's role, and the dry/wet mix, written
 * back into the frame's own bytes. The frame loop's thread only copies a frame in and one out.
 */
export class FrameRenderer {
  private tensor = new Float32Array(0);
  private styled = new Uint8Array(0);
  private readonly scratch: Scratch = { work: new Uint8Array(0), chroma: new Uint8Array(0) };
  private readonly scalarData = new Map<string, Float32Array>();

  async render(job: FrameJob, bytes: Uint8Array, run: (feeds: Record<string, Tensor>) => Promise<Record<string, Tensor>>): Promise<Uint8Array> {
    const { image, output, w, h } = job;
    const input: Frame = { width: job.width, height: job.height, data: bytes, index: 0, time: 0 };
    const channels = channelCount(image);
    if (this.tensor.length !== channels * w * h) this.tensor = new Float32Array(channels * w * h);
    const place = placement(image.size.fit, job.width, job.height, w, h);
    frameToTensor(input, image, w, h, place, this.tensor);
    const feeds: Record<string, Tensor> = { [image.name]: { data: this.tensor, dims: image.layout === 'NCHW' ? [1, channels, h, w] : [1, h, w, channels] } };
    for (const s of job.scalars) {
      let data = this.scalarData.get(s.name);
      if (!data) this.scalarData.set(s.name, (data = new Float32Array(1)));
      data[0] = s.value;
      feeds[s.name] = { data, dims: [1] };
    }
    const results = await run(feeds);
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
