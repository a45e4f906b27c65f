import { silentLog } from '../core/log.js';
import { defaultParams } from '../core/params.js';
import { feedbackParams } from '../pipelines/builtins/feedback.js';
import { feedbackTransform, newFeedbackTransform, renderFeedbackJs } from '../pipelines/builtins/feedback-kernel.js';
import { feedbackWasmModule, WasmFeedbackKernel } from '../pipelines/builtins/feedback-wasm.js';
import { createFrame } from '../core/frame.js';
import { info, higherIsBetter, median, type Bench } from './result.js';

const BLOCKS = 4;
const BLOCK_FRAMES = 10;

/** The WebAssembly SIMD kernel, on one thread and with its helper thread, against the plain JS reference, on the same frames in the same run. */
export const feedbackKernelBench: Bench = {
  name: 'feedback-kernel',
  description: 'Feedback effect at 720p with the default show settings: JS reference vs WebAssembly SIMD (1 and 2 threads).',
  async run() {
    const width = 1280;
    const height = 720;
    const input = createFrame(width, height);
    for (let i = 0; i < input.data.length; i++) input.data[i] = (i * 7 + (i >> 11)) & 255;
    const params = { ...defaultParams(feedbackParams), zoom: 1.02, rotation: 0.6, decay: 0.04, hueShift: 3, mix: 1, key: 'alpha' as const };
    const transform = feedbackTransform(params, width, height, newFeedbackTransform());
    const { module, reason } = feedbackWasmModule();
    if (!module) throw new Error(`WebAssembly kernel unavailable: ${reason}`);
    const single = await WasmFeedbackKernel.create(module, width, height, { helperThread: false, log: silentLog });
    const dual = await WasmFeedbackKernel.create(module, width, height, { helperThread: true, log: silentLog });
    const prev = createFrame(width, height);
    const out = createFrame(width, height);
    const timings = { js: [] as number[], one: [] as number[], two: [] as number[] };
    // Blocks of consecutive frames, as the frame loop runs them (a helper thread woken once a frame),
    // alternating between the kernels so machine noise hits all three alike; the first block warms up.
    const kernels: [keyof typeof timings, () => void][] = [
      ['js', () => renderFeedbackJs(input, prev, out, transform)],
      ['one', () => { single.input.set(input.data); single.render(transform); }],
      ['two', () => { dual.input.set(input.data); dual.render(transform); }],
    ];
    for (let block = 0; block < BLOCKS + 1; block++) {
      for (const [name, render] of kernels) {
        for (let i = 0; i < BLOCK_FRAMES; i++) {
          const t = performance.now();
          render();
          if (block > 0) timings[name].push(performance.now() - t);
        }
      }
    }
    single.dispose();
    dual.dispose();
    const js = median(timings.js);
    return {
      metrics: [
        info('js kernel per 720p frame (median)', js, 'ms'),
        info('wasm kernel, 1 thread (median)', median(timings.one), 'ms'),
        info('wasm kernel, 2 threads (median)', median(timings.two), 'ms'),
        higherIsBetter('wasm 1 thread speed-up over js', js / median(timings.one), 'x', 2),
        higherIsBetter('wasm 2 threads speed-up over js', js / median(timings.two), 'x', 3),
      ],
    };
  },
};
