import { parentPort, workerData } from 'node:worker_threads';
import { jobViews, renderChunks, Slot, type KernelRender } from './feedback-job.js';

/**
 * The feedback helper thread: instantiates the same kernel over the same shared memory, then sleeps
 * until the frame loop posts a frame and renders row bands alongside it.
 */
const { module, memory, job } = workerData as { module: WebAssembly.Module; memory: WebAssembly.Memory; job: SharedArrayBuffer };
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelRender;
const views = jobViews(job);
parentPort!.postMessage('ready');

let seen = Atomics.load(views.ints, Slot.generation);
for (;;) {
  Atomics.wait(views.ints, Slot.generation, seen);
  if (Atomics.load(views.ints, Slot.stop)) break;
  seen = Atomics.load(views.ints, Slot.generation);
  renderChunks(views, kernel);
}
