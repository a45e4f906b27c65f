import { describe, expect, it } from 'vitest';
import { createFrame, type Frame } from '../../core/frame.js';
import { FramePool } from '../../core/frame-pool.js';
import { silentLog } from '../../core/log.js';
import { defaultMediaOptions } from '../../pipelines/video/media-options.js';
import { ModelEffect } from '../../pipelines/onnx/model-effect.js';
import type { ModelSlot } from '../../pipelines/onnx/model-slot.js';
import type { RenderedFrame } from '../../pipelines/onnx/worker-session.js';

// A model effect with two runs in flight whose answers the test orders by hand. The session is a stand-in
// that answers when told: the order two real runs come back in cannot be chosen (it happens across a
// model swap, a run on the old model behind one on the new); the real session is in onnx-lifecycle.
const SIZE = { width: 4, height: 2 };

function setup() {
  const answers: ((value: number) => void)[] = [];
  const session = {
    renderFrame: (_job: unknown, bytes: Uint8Array) => new Promise<RenderedFrame>((resolve) => {
      answers.push((value) => resolve({ frame: bytes.fill(value), costMs: 1 }));
    }),
  };
  const slot = { session, want: () => false, status: () => ({ state: 'loaded' }), wantsNextInput: () => true, dispose: async () => {} } as unknown as ModelSlot;
  const pool = new FramePool();
  const effect = new ModelEffect(
    { ...SIZE, fps: 30, pool, log: silentLog, now: () => 0, media: defaultMediaOptions() },
    slot,
    { image: { name: 'in', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255', size: { mode: 'fixed', width: 2, height: 2 } }, output: { name: 'out', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255' }, scalars: [] },
  );
  const params = { mix: 1, swapFade: 0, model: '' };
  const input = (index: number): Frame => Object.assign(createFrame(SIZE.width, SIZE.height), { index });
  return { effect, answers, params, input };
}

describe('a model effect with two runs in flight', () => {
  it('in order: each result in a frame of its own, the one shown never written over by the next', async () => {
    const { effect, answers, params, input } = setup();
    const first = effect.process(input(1), params);
    const second = effect.process(input(2), params);
    answers[0]!(10);
    const a = await first;
    expect([a.index, a.data[0]]).toEqual([1, 10]);
    answers[1]!(20);
    const b = await second;
    expect([b.index, b.data[0]]).toEqual([2, 20]);
    expect(b).not.toBe(a);
    expect(a.data[0]).toBe(10);
  });

  it('an older result that comes back after a newer one is dropped: the newer picture stays', async () => {
    const { effect, answers, params, input } = setup();
    const older = effect.process(input(1), params);
    const newer = effect.process(input(2), params);
    answers[1]!(20);
    expect((await newer).data[0]).toBe(20);
    answers[0]!(10);
    const late = await older;
    expect([late.index, late.data[0]]).toEqual([2, 20]);
  });

  it('a run that never comes back holds up no later one', async () => {
    const { effect, answers, params, input } = setup();
    void effect.process(input(1), params);
    const later = effect.process(input(2), params);
    answers[1]!(30);
    expect((await later).data[0]).toBe(30);
  });
});
