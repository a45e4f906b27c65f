import { describe, expect, it } from 'vitest';
import { createFrame, type Frame } from '../../core/frame.js';
import { feedback, type FeedbackParams } from '../../pipelines/builtins/feedback.js';
import { feedbackTransform, newFeedbackTransform, renderFeedbackJs } from '../../pipelines/builtins/feedback-kernel.js';
import { feedbackWasmModule } from '../../pipelines/builtins/feedback-wasm.js';
import { countDifferentBytes, frameFrom, noiseFrame, pixel } from '../helpers/frames.js';
import { harness } from '../helpers/pipeline-harness.js';

const identity: Partial<FeedbackParams> = { zoom: 1, rotation: 0, translateX: 0, translateY: 0, decay: 0, hueShift: 0 };

async function run(input: Frame, params: Partial<FeedbackParams>, frames: number): Promise<Frame> {
  const h = await harness(feedback, input, params);
  let out: Frame = input;
  for (let i = 0; i < frames; i++) out = (await h.instance.process(input, h.params, h.step()));
  return out;
}

describe('feedback effect', () => {
  it('runs the WebAssembly kernel on this machine', () => {
    expect(feedbackWasmModule().reason).toBeNull();
  });

  it('with zoom 1, rotation 0, translate 0, decay 0 the output equals the input, frame after frame', async () => {
    const input = noiseFrame(64, 48, 7);
    for (const key of ['none', 'luma'] as const) {
      const out = await run(input, { ...identity, mix: 0.5, key }, 5);
      expect(countDifferentBytes(out.data, input.data), `key ${key}`).toBe(0);
    }
    // The alpha key composites input over the fed-back image, so colour stays exact while alpha builds up.
    const keyed = await run(input, { ...identity, mix: 0.5, key: 'alpha' }, 5);
    const rgb = (d: Uint8Array): number[] => [...d].filter((_, i) => i % 4 !== 3);
    expect(rgb(keyed.data)).toEqual(rgb(input.data));
  });

  it('a zoom of 1.1 does change the picture (the identity check above can fail)', async () => {
    const input = noiseFrame(64, 48, 7);
    const out = await run(input, { ...identity, zoom: 1.1, mix: 1 }, 1);
    expect(countDifferentBytes(out.data, input.data)).toBeGreaterThan(input.data.length / 2);
  });

  it('translate moves a known pixel by exactly the translation, and leaves transparent black behind', async () => {
    const input = frameFrom(40, 30, (x, y) => (x === 5 && y === 4 ? [250, 20, 30, 255] : [10, 10, 10, 255]));
    const out = await run(input, { ...identity, translateX: 10, translateY: 3, mix: 1 }, 1);
    expect(pixel(out, 15, 7)).toEqual([250, 20, 30, 255]);
    expect(pixel(out, 12, 7)).toEqual([10, 10, 10, 255]);
    expect(pixel(out, 3, 20)).toEqual([0, 0, 0, 0]); // came from outside the frame
    const twice = await run(input, { ...identity, translateX: 10, translateY: 3, mix: 1 }, 2);
    expect(pixel(twice, 25, 10)).toEqual([250, 20, 30, 255]);
  });

  it('a hue shift of 360 degrees is the identity; 120 degrees turns red towards green', async () => {
    const input = noiseFrame(32, 32, 3);
    const full = await run(input, { ...identity, hueShift: 360, mix: 1 }, 3);
    expect(countDifferentBytes(full.data, input.data)).toBe(0);

    const red = frameFrom(8, 8, () => [200, 0, 0, 255]);
    const shifted = await run(red, { ...identity, hueShift: 120, mix: 1 }, 1);
    const [r, g] = pixel(shifted, 4, 4);
    expect(g!).toBeGreaterThan(r!);
  });

  it('decay 1 fades the fed-back image to transparent black; mix 0 returns the input', async () => {
    const input = noiseFrame(16, 16, 5);
    const faded = await run(input, { ...identity, decay: 1, mix: 1 }, 1);
    expect(faded.data.every((v) => v === 0)).toBe(true);
    const dry = await run(input, { zoom: 2, rotation: 45, decay: 0.5, hueShift: 90, mix: 0 }, 3);
    expect(countDifferentBytes(dry.data, input.data)).toBe(0);
  });

  it('alpha key: opaque input pixels stay exact, transparent ones show the feedback', async () => {
    const input = frameFrom(20, 20, (x) => (x < 10 ? [255, 255, 255, 255] : [0, 0, 0, 0]));
    const out = await run(input, { ...identity, translateX: -5, mix: 1, key: 'alpha' }, 1);
    expect(pixel(out, 2, 10)).toEqual([255, 255, 255, 255]);
    expect(pixel(out, 7, 10)).toEqual([255, 255, 255, 255]);
    expect(pixel(out, 12, 10)).toEqual([0, 0, 0, 0]); // pulled from x = 17: transparent
    const right = frameFrom(20, 20, (x) => (x >= 10 ? [255, 255, 255, 255] : [0, 0, 0, 0]));
    const shown = await run(right, { ...identity, translateX: -5, mix: 1, key: 'alpha' }, 1);
    expect(pixel(shown, 6, 10)).toEqual([255, 255, 255, 255]); // fed back from x = 11 through the transparent input
  });

  it('the WebAssembly kernel matches the JS reference bit for bit, edges included', async () => {
    const { module } = feedbackWasmModule();
    expect(module).not.toBeNull();
    const width = 97;
    const height = 61;
    let seed = 11;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let trial = 0; trial < 24; trial++) {
      const p: FeedbackParams = {
        zoom: 0.5 + random() * 2,
        rotation: (random() - 0.5) * 90,
        translateX: (random() - 0.5) * 30,
        translateY: (random() - 0.5) * 30,
        centerX: random(),
        centerY: random(),
        decay: random() < 0.3 ? 0 : random(),
        hueShift: random() < 0.3 ? 0 : (random() - 0.5) * 720,
        mix: random(),
        key: (['none', 'alpha', 'luma'] as const)[trial % 3]!,
      };
      const input = noiseFrame(width, height, trial + 1);
      const prev = noiseFrame(width, height, trial + 100);
      const expected = createFrame(width, height);
      renderFeedbackJs(input, prev, expected, feedbackTransform(p, width, height, newFeedbackTransform()));

      // Drive the real pipeline: its first frame seeds "previous" with the input, so feed prev with mix 0 first.
      const h = await harness(feedback, { width, height });
      await h.instance.process(prev, { ...p, mix: 0 }, h.step());
      const actual = (await h.instance.process(input, p, h.step()));
      expect(countDifferentBytes(actual.data, expected.data), `trial ${trial} ${JSON.stringify(p)}`).toBe(0);
    }
  });
});

describe('feedback kernel threads', () => {
  it('keeps rendering the exact picture on the frame loop’s thread when the helper thread is gone', async () => {
    const { module } = feedbackWasmModule();
    const { WasmFeedbackKernel } = await import('../../pipelines/builtins/feedback-wasm.js');
    const width = 160;
    const height = 90;
    const kernel = await WasmFeedbackKernel.create(module!, width, height, { helperThread: true, log: console as never });
    expect(kernel.threads).toBe(2);
    const p: FeedbackParams = { zoom: 1.05, rotation: 3, translateX: 2, translateY: -1, centerX: 0.4, centerY: 0.6, decay: 0.1, hueShift: 20, mix: 0.8, key: 'none' };
    const t = feedbackTransform(p, width, height, newFeedbackTransform());
    const input = noiseFrame(width, height, 21);
    const prev = noiseFrame(width, height, 22);
    const expected = createFrame(width, height);
    renderFeedbackJs(input, prev, expected, t);

    kernel.seed(prev.data);
    kernel.input.set(input.data);
    expect(countDifferentBytes(kernel.render(t), expected.data)).toBe(0);

    // The helper dies (as a crashed thread would): the next frames are rendered whole by the caller.
    await (kernel as unknown as { helper: { terminate(): Promise<number> } }).helper.terminate();
    kernel.seed(prev.data);
    kernel.input.set(input.data);
    expect(countDifferentBytes(kernel.render(t), expected.data)).toBe(0);
    kernel.dispose();
  });
});
