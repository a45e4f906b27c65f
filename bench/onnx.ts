import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RealtimeDriver } from '../core/driver.js';
import { FramePool } from '../core/frame-pool.js';
import type { Frame } from '../core/frame.js';
import { initialClockState } from '../core/clock.js';
import { defaultParams } from '../core/params.js';
import { silentLog } from '../core/log.js';
import { buildEngine } from '../host/build-engine.js';
import { checkShow } from '../host/show.js';
import { registerBuiltins } from '../pipelines/builtins/index.js';
import { testPattern } from '../pipelines/builtins/test-pattern.js';
import { frameToTensor, imageToFrame, type Scratch } from '../pipelines/onnx/image-tensor.js';
import type { ImageInputSpec, ImageOutputSpec } from '../pipelines/onnx/manifest.js';
import { onnxPipeline } from '../pipelines/onnx/onnx-pipeline.js';
import { placement } from '../pipelines/onnx/placement.js';
import { PipelineRegistry } from '../pipelines/registry.js';
import { higherIsBetter, info, lowerIsBetter, median, type Bench, type Metric } from './result.js';

const modelsDir = process.env.VJ_HOST_MODELS_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
const RUNS = Number(process.env.BENCH_ONNX_RUNS ?? 8);
const SHOW = { width: 1280, height: 720 };
// Made when the bench runs, not when the bench runner imports this file.
let tmpDir: string | null = null;
const tmp = (): string => (tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'vj-host-bench-onnx-')));

interface Ort {
  InferenceSession: { create(file: string, o: object): Promise<{ run(f: object): Promise<Record<string, { data: Float32Array }>>; release(): Promise<void> }> };
  Tensor: new (t: 'float32', d: Float32Array, dims: number[]) => object;
}
const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;

const image: ImageInputSpec = { name: 'input1', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255', size: { mode: 'dynamic', width: 256, height: 256, multipleOf: 4 } };
const outputSpec: ImageOutputSpec = { name: 'output1', role: 'image', layout: 'NCHW', channels: 'RGB', range: '0..255' };

function manifest(model: string, w: number, h: number): string {
  const file = path.join(tmp(), `${model}-${w}x${h}.json`);
  fs.writeFileSync(file, JSON.stringify({
    id: `bench-${model.replace(/\W/g, '')}-${w}x${h}`, name: model, model: path.join(modelsDir, model), threads: 1,
    inputs: [{ ...image, size: { mode: 'dynamic', width: w, height: h, multipleOf: 4 } }], outputs: [outputSpec],
  }));
  return file;
}

async function pattern(): Promise<Frame> {
  const pool = new FramePool();
  const instance = await testPattern.create({ ...SHOW, fps: 30, pool, log: silentLog, now: () => performance.now(), mediaDir: '' });
  const frame = instance.process(null, defaultParams(testPattern.params), initialClockState(30)) as Frame;
  return { ...frame, data: frame.data.slice() };
}

/** One model at one working size: bare session.run against the pipeline on the same input, in the same run. */
async function oneCase(model: string, w: number, h: number, input: Frame): Promise<Metric[]> {
  const label = `${model.replace('.onnx', '')} ${w}x${h}`;
  const tensor = new Float32Array(3 * w * h);
  const place = placement('stretch', input.width, input.height, w, h);
  frameToTensor(input, { ...image }, w, h, place, tensor);

  const session = await ort.InferenceSession.create(path.join(modelsDir, model), { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  const feeds = { input1: new ort.Tensor('float32', tensor, [1, 3, h, w]) };
  await session.run(feeds);
  const bare: number[] = [];
  let lastOutput: Float32Array = new Float32Array(0);
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    lastOutput = new Float32Array((await session.run(feeds)).output1!.data);
    bare.push(performance.now() - t);
  }
  await session.release();

  // Pre- and post-processing alone (on the frame loop's side of the pipeline).
  const scratch: Scratch = { work: new Uint8Array(0), chroma: new Uint8Array(0) };
  const out: Frame = { ...input, data: new Uint8Array(input.data.length) };
  const pre: number[] = [];
  const post: number[] = [];
  for (let i = 0; i < 10; i++) {
    let t = performance.now();
    frameToTensor(input, image, w, h, place, tensor);
    pre.push(performance.now() - t);
    t = performance.now();
    imageToFrame(lastOutput, [1, 3, h, w], outputSpec, place, { w, h }, out, scratch);
    post.push(performance.now() - t);
  }

  const definition = onnxPipeline(manifest(model, w, h));
  const pool = new FramePool();
  const instance = await definition.create({ ...SHOW, fps: 30, pool, log: silentLog, now: () => performance.now(), mediaDir: '' });
  const params = defaultParams(definition.params);
  const clock = initialClockState(30);
  await instance.process(input, params, clock);
  const piped: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await instance.process(input, params, clock);
    piped.push(performance.now() - t);
  }
  await instance.dispose();

  const ratio = median(bare) / median(piped);
  return [
    info(`${label}: inference, bare session.run (median)`, median(bare), 'ms'),
    info(`${label}: pre-processing, 720p frame -> tensor (on the model's thread)`, median(pre), 'ms'),
    info(`${label}: post-processing, tensor -> 720p frame (on the model's thread)`, median(post), 'ms'),
    info(`${label}: model fps through the pipeline`, 1000 / median(piped), 'fps', 'higher'),
    higherIsBetter(`${label}: pipeline fps / bare session.run fps`, ratio, 'ratio', 0.9),
  ];
}

/** The model live in a 720p30 show: the output rate held while the model runs at its own. */
async function heldOutput(model: string, w: number, h: number): Promise<Metric[]> {
  const registry = new PipelineRegistry();
  registerBuiltins(registry);
  const definition = onnxPipeline(manifest(model, w, h));
  registry.register(definition, 'bench');
  const show = checkShow({ size: `${SHOW.width}x${SHOW.height}`, fps: 30, decks: [{ id: 'a', source: { pipeline: 'test-pattern' }, chain: [{ pipeline: definition.id }] }], osc: { enabled: false } }, registry);
  const engine = await buildEngine(show, registry, { driver: new RealtimeDriver(), log: silentLog });
  await engine.start();
  await new Promise((r) => setTimeout(r, 1500));
  const before = engine.stats();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 5000));
  const after = engine.stats();
  const elapsed = performance.now() - t0;
  await engine.stop();
  const fps = ((after.frames - before.frames) * 1000) / elapsed;
  const label = `${model.replace('.onnx', '')} ${w}x${h} in a 720p30 show`;
  return [
    { name: `${label}: output fps`, value: Math.round(fps * 100) / 100, unit: 'fps', goal: '30 +- 1', better: 'higher', meets: Math.abs(fps - 30) <= 1 },
    lowerIsBetter(`${label}: frames dropped`, after.droppedFrames - before.droppedFrames, 'frames', 0),
    info(`${label}: model's own rate`, after.stages[1]!.rate ?? 0, 'fps', 'higher'),
    info(`${label}: model latency`, after.stages[1]!.latencyMs ?? 0, 'ms'),
  ];
}

export const onnxBench: Bench = {
  name: 'onnx',
  description: 'ONNX pipeline against bare session.run on the same model, size and input; per working size: inference, pre/post, model fps, and the 30 fps output held.',
  async run() {
    if (!fs.existsSync(path.join(modelsDir, 'style-candy-9.onnx'))) throw new Error(`no models in ${modelsDir} (set VJ_HOST_MODELS_DIR)`);
    const input = await pattern();
    try {
      const metrics: Metric[] = [];
      for (const [w, h] of [[256, 256], [512, 288]] as const) {
        metrics.push(...(await oneCase('style-candy-9.onnx', w, h, input)));
        metrics.push(...(await heldOutput('style-candy-9.onnx', w, h)));
      }
      return {
        metrics,
        notes: [
          `${RUNS} timed runs per case after one warm-up; one inference thread (intraOpNumThreads 1) for both the bare session and the pipeline`,
          'the pipeline runs its session, pre- and post-processing on the model\'s own thread: its time includes them and the two frame copies; the frame loop\'s share is the copies only (see frame-loop cost)',
        ],
      };
    } finally {
      if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
      tmpDir = null;
    }
  },
};
