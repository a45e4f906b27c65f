import { audioBench } from './audio.js';
import { feedbackKernelBench } from './feedback-kernel.js';
import { gpuBench } from './gpu.js';
import { frameLoopBench } from './frame-loop.js';
import { modulationBench } from './modulation.js';
import { outputsBench } from './outputs.js';
import { onnxBench } from './onnx.js';
import { controlBench } from './control.js';
import { presetsBench } from './presets.js';
import { printResult, writeResult, type Bench } from './result.js';
import { shmOutputBench } from './shm-output.js';
import { videoInBench } from './video-in.js';

/** `npm run bench` runs every benchmark; `npm run bench -- <name>` runs one. Results: bench/results/<name>.json. */
// The frame loop first: it is the most sensitive to what earlier runs leave warm or busy.
const benches: Bench[] = [frameLoopBench, shmOutputBench, feedbackKernelBench, modulationBench, audioBench, presetsBench, outputsBench, onnxBench, controlBench, videoInBench, gpuBench];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  for (const bench of benches.filter((b) => !wanted.length || wanted.includes(b.name))) {
    console.log(`running ${bench.name}: ${bench.description}`);
    const { metrics, notes } = await bench.run();
    printResult(writeResult(bench.name, metrics, notes));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
