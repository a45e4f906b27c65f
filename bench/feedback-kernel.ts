import { FramePool } from '../core/frame-pool.js';
import { silentLog } from '../core/log.js';
import { defaultParams } from '../core/params.js';
import { feedback, feedbackParams } from '../pipelines/builtins/feedback.js';
import { feedbackTransform, newFeedbackTransform, renderFeedbackJs } from '../pipelines/builtins/feedback-kernel.js';
import { initialClockState } from '../core/clock.js';
import { createFrame, type Frame } from '../core/frame.js';
import { info, higherIsBetter, median, type Bench } from './result.js';

const ROUNDS = 40;

/** The WebAssembly SIMD kernel against the plain JS reference on the same frames, in the same run. */
export const feedbackKernelBench: Bench = {
  name: 'feedback-kernel',
  description: 'Feedback effect at 720p with the default show settings: WebAssembly SIMD kernel vs the JS reference.',
  async run() {
    const width = 1280;
    const height = 720;
    const input = createFrame(width, height);
    for (let i = 0; i < input.data.length; i++) input.data[i] = (i * 7 + (i >> 11)) & 255;
    const params = { ...defaultParams(feedbackParams), zoom: 1.02, rotation: 0.6, decay: 0.04, hueShift: 3, mix: 1, key: 'alpha' as const };
    const instance = await feedback.create({ width, height, fps: 30, pool: new FramePool(), log: silentLog });
    const clock = initialClockState(30);
    const prev = createFrame(width, height);
    const out = createFrame(width, height);
    const transform = feedbackTransform(params, width, height, newFeedbackTransform());
    const wasm: number[] = [];
    const js: number[] = [];
    for (let i = 0; i < ROUNDS + 5; i++) {
      let t = performance.now();
      instance.process(input, params, clock) as Frame;
      const a = performance.now() - t;
      t = performance.now();
      renderFeedbackJs(input, prev, out, transform);
      const b = performance.now() - t;
      if (i >= 5) {
        wasm.push(a);
        js.push(b);
      }
    }
    await instance.dispose();
    return {
      metrics: [
        info('wasm kernel per 720p frame (median)', median(wasm), 'ms'),
        info('js kernel per 720p frame (median)', median(js), 'ms'),
        higherIsBetter('wasm speed-up over js', median(js) / median(wasm), 'x', 1.5),
      ],
    };
  },
};
