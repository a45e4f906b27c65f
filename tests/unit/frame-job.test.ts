import { describe, expect, it } from 'vitest';
import { FrameRenderer, type FrameJob } from '../../pipelines/onnx/frame-job.js';

// The pixel thread's work around a run, in its two halves: a frame made into the model's tensor, and the
// model's answer made back into the frame. The model's answer is written by the test (the real model is
// in the onnx tests): what is under test is what a bad answer does.
const job: FrameJob = {
  width: 4, height: 2, w: 2, h: 2, mix: 1, invert: false, scalars: [{ name: 'strength', value: 0.5 }],
  image: { name: 'in', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255', size: { mode: 'fixed', width: 2, height: 2 } },
  output: { name: 'out', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255' },
};

function frame(value: number): Uint8Array {
  return new Uint8Array(4 * 2 * 4).fill(value);
}

describe('a frame through the model, in two halves', () => {
  it('makes the tensor and the scalars, then the answer into the frame', () => {
    const renderer = new FrameRenderer();
    const prepared = renderer.prepare(job, frame(100));
    expect(prepared.feeds.in!.dims).toEqual([1, 3, 2, 2]);
    expect([...prepared.feeds.in!.data]).toEqual(new Array(12).fill(100));
    expect([...prepared.feeds.strength!.data]).toEqual([0.5]);
    const out = renderer.finish(prepared, { out: { data: new Float32Array(12).fill(200), dims: [1, 3, 2, 2] } });
    expect(out[0]).toBe(200);
    expect(out[3]).toBe(255);
  });

  it('an answer with NaN or Infinity, or without the output named, is an error naming it', () => {
    const renderer = new FrameRenderer();
    const nan = new Float32Array(12).fill(1);
    nan[5] = Number.NaN;
    expect(() => renderer.finish(renderer.prepare(job, frame(1)), { out: { data: nan, dims: [1, 3, 2, 2] } })).toThrow('the model returned NaN or Infinity in "out"');
    const inf = new Float32Array(12).fill(Number.POSITIVE_INFINITY);
    expect(() => renderer.finish(renderer.prepare(job, frame(1)), { out: { data: inf, dims: [1, 3, 2, 2] } })).toThrow(/NaN or Infinity/);
    expect(() => renderer.finish(renderer.prepare(job, frame(1)), {})).toThrow('the model returned no "out"');
  });

  it('a frame prepared while another is at the model gets tensors of its own; those given back are used again', () => {
    const renderer = new FrameRenderer();
    const first = renderer.prepare(job, frame(10));
    const second = renderer.prepare(job, frame(20));
    expect(second.feeds.in!.data).not.toBe(first.feeds.in!.data);
    expect(first.feeds.in!.data[0]).toBe(10);
    renderer.ran(first, first.feeds);
    const third = renderer.prepare(job, frame(30));
    expect(third.feeds.in!.data).toBe(first.feeds.in!.data);
    expect(second.feeds.in!.data[0]).toBe(20);
  });
});
