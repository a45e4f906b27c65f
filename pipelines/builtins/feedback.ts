import os from 'node:os';
import type { Frame } from '../../core/frame.js';
import { definePipeline } from '../contract.js';
import { feedbackTransform, newFeedbackTransform, renderFeedbackJs } from './feedback-kernel.js';
import { feedbackParams, type FeedbackParams } from './feedback-params.js';
import { feedbackWasmModule, WasmFeedbackKernel } from './feedback-wasm.js';

export { feedbackParams, type FeedbackParams };

/**
 * Video feedback in the spirit of Deforum's 2D motion: the previous output is zoomed, rotated and
 * translated about a centre (bilinear sampling; outside the frame is transparent black), hue-rotated,
 * faded by `decay`, then blended with the input by `mix` where the key lets it through.
 * Runs the WebAssembly SIMD kernel (several times faster); the JS reference kernel where that is missing.
 */
export const feedback = definePipeline({
  id: 'feedback',
  name: 'Feedback',
  kind: 'effect',
  description: 'Zoom / rotate / translate / hue-shift trails of the previous output.',
  params: feedbackParams,
  async create(ctx) {
    const transform = newFeedbackTransform();
    const { module, reason } = feedbackWasmModule();
    if (!module) ctx.log.warn(`feedback: WebAssembly kernel unavailable (${reason}); using the slower JS kernel`);
    // The show's frame size is known now: start the kernel (and its helper thread) before the first frame.
    const prepared = module ? await WasmFeedbackKernel.create(module, ctx.width, ctx.height, { helperThread: helperThreadWanted(), log: ctx.log }) : null;
    let runner: FeedbackRunner | null = null;

    return {
      process(input, p) {
        if (!input) throw new Error('feedback needs an input frame');
        if (!runner || runner.width !== input.width || runner.height !== input.height) {
          runner?.dispose();
          runner = prepared && prepared.width === input.width && prepared.height === input.height ? wasmRunner(prepared, input) : jsRunner(ctx.pool, input);
        }
        const out = runner.render(input, feedbackTransform(p, input.width, input.height, transform));
        out.index = input.index;
        out.time = input.time;
        return out;
      },
      dispose() {
        runner?.dispose();
        runner = null;
      },
    };
  },
});

interface FeedbackRunner {
  width: number;
  height: number;
  render(input: Frame, t: ReturnType<typeof newFeedbackTransform>): Frame;
  dispose(): void;
}

/** One helper thread per feedback instance: the frame loop's thread plus one uses both cores of a laptop. VJ_HOST_FEEDBACK_THREADS=1 turns it off. */
function helperThreadWanted(): boolean {
  return process.env.VJ_HOST_FEEDBACK_THREADS !== '1' && os.availableParallelism() > 1;
}

function wasmRunner(kernel: WasmFeedbackKernel, first: Frame): FeedbackRunner {
  kernel.seed(first.data);
  // Two frame objects over the kernel's two output buffers, so no frame is allocated per tick.
  const frames = new Map<Uint8Array, Frame>();
  return {
    width: first.width,
    height: first.height,
    render(input, t) {
      kernel.input.set(input.data);
      const pixels = kernel.render(t);
      let frame = frames.get(pixels);
      if (!frame) {
        frame = { width: input.width, height: input.height, data: pixels, index: 0, time: 0 };
        frames.set(pixels, frame);
      }
      return frame;
    },
    dispose() {
      kernel.dispose();
    },
  };
}

function jsRunner(pool: { acquire(w: number, h: number): Frame; release(f: Frame): void }, first: Frame): FeedbackRunner {
  let previous = pool.acquire(first.width, first.height);
  let current = pool.acquire(first.width, first.height);
  // The first frame feeds back onto itself, so a still input with an identity motion stays still.
  previous.data.set(first.data);
  return {
    width: first.width,
    height: first.height,
    render(input, t) {
      renderFeedbackJs(input, previous, current, t);
      const out = current;
      current = previous;
      previous = out;
      return out;
    },
    dispose() {
      pool.release(previous);
      pool.release(current);
    },
  };
}
